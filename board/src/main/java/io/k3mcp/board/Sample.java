package io.k3mcp.board;

import java.util.Map;

/**
 * One reading of the quantities that move under load. {@code tMs} counts from the first sample;
 * temperatures are keyed by zone type, frequencies by "cpuN", fans by "chip/fanN".
 */
public record Sample(int index, long tMs, Map<String, Double> tempC, Map<String, Double> cpuMhz,
        Map<String, Long> fanRpm) {
}
