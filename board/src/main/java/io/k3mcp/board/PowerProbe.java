package io.k3mcp.board;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** hwmon inN_input (mV), currN_input (mA), powerN_input or powerN_average (uW), energyN_input (uJ). */
final class PowerProbe {
    private final SysTree tree;
    private final HwmonChips hwmon;

    PowerProbe(SysTree tree, HwmonChips hwmon) {
        this.tree = tree;
        this.hwmon = hwmon;
    }

    List<PowerSensor> read() {
        List<PowerSensor> sensors = new ArrayList<>();
        for (HwmonChips.Chip chip : hwmon.chips()) {
            add(sensors, chip, "in", "voltage", 1e3, "_input");
            add(sensors, chip, "curr", "current", 1e3, "_input");
            add(sensors, chip, "power", "power", 1e6, "_input");
            add(sensors, chip, "power", "power", 1e6, "_average");
            add(sensors, chip, "energy", "energy", 1e6, "_input");
        }
        return sensors;
    }

    private void add(List<PowerSensor> sensors, HwmonChips.Chip chip, String prefix, String kind, double divisor,
            String suffix) {
        for (int n : hwmon.channels(chip, prefix, suffix)) {
            String sensor = prefix + n;
            if (suffix.equals("_average") && tree.exists(chip.dir().resolve(sensor + "_input"))) {
                continue; // the instantaneous reading was already taken
            }
            Path dir = chip.dir();
            Long raw = tree.number(dir.resolve(sensor + suffix));
            Double value = raw == null ? null : raw / divisor;
            sensors.add(new PowerSensor(chip.name(), chip.hwmon(), sensor, kind,
                    tree.text(dir.resolve(sensor + "_label")),
                    kind.equals("voltage") ? value : null, kind.equals("current") ? value : null,
                    kind.equals("power") ? value : null, kind.equals("energy") ? value : null));
        }
    }
}
