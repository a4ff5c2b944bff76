package io.k3mcp.board;

/**
 * One hwmon fan/pwm channel N (fanN_* and pwmN of one chip). {@code pwm} is the raw duty 0-255;
 * {@code mode} decodes pwmN_enable: 0 "full-speed" (no control), 1 "manual", 2 and up "automatic".
 */
public record FanChannel(
        String chip,
        String hwmon,
        String device,
        int channel,
        String label,
        Long rpm,
        Boolean fault,
        Integer pwm,
        Double pwmPercent,
        Integer pwmEnable,
        String mode) {
}
