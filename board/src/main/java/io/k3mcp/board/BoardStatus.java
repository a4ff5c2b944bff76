package io.k3mcp.board;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Everything board-status reports. {@code samples} and {@code summary} appear only when more than one
 * sample was taken; {@code warnings} lists files that exist but could not be read.
 */
public record BoardStatus(
        BoardInfo board,
        CpuStatus cpu,
        MemoryStatus memory,
        List<ThermalZone> thermal,
        List<FanChannel> fans,
        List<PowerSensor> power,
        Accelerators accelerators,
        List<BlockDevice> storage,
        KernelInfo kernel,
        K3Status k3,
        List<String> warnings,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Sample> samples,
        @JsonInclude(JsonInclude.Include.NON_NULL) SampleSummary summary) {

    /** This snapshot with a sampled series attached and the warnings gathered meanwhile. */
    public BoardStatus withSamples(List<Sample> series, SampleSummary stats, List<String> allWarnings) {
        return new BoardStatus(board, cpu, memory, thermal, fans, power, accelerators, storage, kernel, k3,
                allWarnings, series, stats);
    }

    /** This snapshot with the K3 section replaced (e.g. once the IME self-test has run). */
    public BoardStatus withK3(K3Status status) {
        return new BoardStatus(board, cpu, memory, thermal, fans, power, accelerators, storage, kernel, status,
                warnings, samples, summary);
    }
}
