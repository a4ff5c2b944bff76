package io.k3mcp.tools.bench;

import io.k3mcp.board.BoardProbe;
import io.k3mcp.board.Sample;

import java.nio.file.Path;

/**
 * One reading of the board's thermal state for the benchmark's per-test context, through the board
 * probes (the board-status tool's own readers): the hottest thermal zone, the mean current cpu clock
 * and the first fan's speed. A sensor the board lacks reads as NaN.
 */
public final class BoardReader {

    /** One sample; NaN where absent. */
    public record Reading(double maxTempC, double cpuMhz, double fanRpm) {
    }

    private final BoardProbe probe;

    public BoardReader(Path root) {
        this.probe = new BoardProbe(root);
    }

    public Reading read() {
        Sample s = probe.sample(0, 0);
        double maxTemp = s.tempC().values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        double mhz = s.cpuMhz().values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double fan = s.fanRpm().values().stream().mapToDouble(Long::doubleValue).findFirst().orElse(Double.NaN);
        return new Reading(maxTemp, mhz, fan);
    }
}
