package io.k3mcp.board;

/**
 * One hwmon electrical input: {@code kind} is voltage, current, power or energy, and the matching
 * field carries the value in SI units (sysfs gives mV, mA, uW and uJ).
 */
public record PowerSensor(
        String chip,
        String hwmon,
        String sensor,
        String kind,
        String label,
        Double volts,
        Double amps,
        Double watts,
        Double joules) {
}
