package io.k3mcp.board;

import java.util.ArrayList;
import java.util.List;

/** hwmon temperatures (tempN_input); an input that is missing or unreadable is left out. */
final class HwmonTemperatureProbe {
    private final SysTree tree;
    private final HwmonChips hwmon;

    HwmonTemperatureProbe(SysTree tree, HwmonChips hwmon) {
        this.tree = tree;
        this.hwmon = hwmon;
    }

    List<HwmonTemperature> read() {
        List<HwmonTemperature> temps = new ArrayList<>();
        for (HwmonChips.Chip chip : hwmon.chips()) {
            for (int n : hwmon.channels(chip, "temp", "_input")) {
                Long milli = tree.number(chip.dir().resolve("temp" + n + "_input"));
                if (milli != null) {
                    temps.add(new HwmonTemperature(chip.name(), chip.hwmon(), chip.device(), n,
                            tree.text(chip.dir().resolve("temp" + n + "_label")), milli / 1000.0));
                }
            }
        }
        return temps;
    }
}
