package io.k3mcp.board;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** hwmon fans (fanN_input RPM, fanN_fault) and pwm outputs (pwmN duty, pwmN_enable mode). */
final class FanProbe {
    private final SysTree tree;
    private final HwmonChips hwmon;

    FanProbe(SysTree tree, HwmonChips hwmon) {
        this.tree = tree;
        this.hwmon = hwmon;
    }

    List<FanChannel> read() {
        List<FanChannel> fans = new ArrayList<>();
        for (HwmonChips.Chip chip : hwmon.chips()) {
            TreeSet<Integer> channels = new TreeSet<>(hwmon.channels(chip, "fan", "_input"));
            channels.addAll(hwmon.channels(chip, "pwm", ""));
            for (int n : channels) {
                fans.add(channel(chip, n));
            }
        }
        return fans;
    }

    /** RPM of every fan keyed "chip/fanN", for sampling. */
    Map<String, Long> rpms() {
        Map<String, Long> rpms = new LinkedHashMap<>();
        for (HwmonChips.Chip chip : hwmon.chips()) {
            for (int n : hwmon.channels(chip, "fan", "_input")) {
                Long rpm = tree.number(chip.dir().resolve("fan" + n + "_input"));
                if (rpm != null) {
                    rpms.put((chip.name() == null ? chip.hwmon() : chip.name()) + "/fan" + n, rpm);
                }
            }
        }
        return rpms;
    }

    private FanChannel channel(HwmonChips.Chip chip, int n) {
        Path dir = chip.dir();
        Long fault = tree.number(dir.resolve("fan" + n + "_fault"));
        Long pwm = tree.number(dir.resolve("pwm" + n));
        Long enable = tree.number(dir.resolve("pwm" + n + "_enable"));
        String label = tree.text(dir.resolve("fan" + n + "_label"));
        return new FanChannel(chip.name(), chip.hwmon(), chip.device(), n, label,
                tree.number(dir.resolve("fan" + n + "_input")),
                fault == null ? null : fault != 0,
                pwm == null ? null : Math.toIntExact(pwm),
                pwm == null ? null : Math.round(pwm * 1000.0 / 255.0) / 10.0,
                enable == null ? null : Math.toIntExact(enable),
                mode(enable));
    }

    private static String mode(Long enable) {
        if (enable == null) {
            return null;
        }
        return enable == 0 ? "full-speed" : enable == 1 ? "manual" : "automatic";
    }
}
