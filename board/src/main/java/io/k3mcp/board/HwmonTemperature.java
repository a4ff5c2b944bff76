package io.k3mcp.board;

/**
 * One hwmon temperature input (tempN_input, millidegrees in sysfs, degrees Celsius here) with its
 * tempN_label when the driver gives one. {@code chip} is the chip's name file, {@code device} where it
 * sits under /sys/devices (null when the tree does not say).
 */
public record HwmonTemperature(String chip, String hwmon, String device, int channel, String label, double celsius) {
}
