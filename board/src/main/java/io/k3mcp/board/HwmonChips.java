package io.k3mcp.board;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** /sys/class/hwmon: each chip's name, its device path, and its channel numbers per attribute kind. */
final class HwmonChips {
    private final SysTree tree;

    HwmonChips(SysTree tree) {
        this.tree = tree;
    }

    /** One hwmonN: {@code dir} holds the attributes, {@code device} is where it sits in /sys/devices. */
    record Chip(String hwmon, String name, String device, Path dir) {
    }

    List<Chip> chips() {
        List<Chip> chips = new ArrayList<>();
        for (Path link : tree.list(tree.path("/sys/class/hwmon"), "hwmon")) {
            String name = tree.text(link.resolve("name"));
            chips.add(new Chip(link.getFileName().toString(), name, devicePath(link), link));
        }
        return chips;
    }

    /** Channel numbers N for which a file matching prefix N suffix exists, e.g. ("fan", "_input"). */
    List<Integer> channels(Chip chip, String prefix, String suffix) {
        Pattern pattern = Pattern.compile(Pattern.quote(prefix) + "(\\d+)" + Pattern.quote(suffix));
        TreeSet<Integer> channels = new TreeSet<>();
        for (Path file : tree.list(chip.dir(), prefix)) {
            Matcher m = pattern.matcher(file.getFileName().toString());
            if (m.matches()) {
                channels.add(Integer.parseInt(m.group(1)));
            }
        }
        return new ArrayList<>(channels);
    }

    private String devicePath(Path hwmonLink) {
        Path device = tree.real(hwmonLink.resolve("device"));
        if (device == null) {
            Path real = tree.real(hwmonLink);
            // .../<device>/hwmon/hwmonN: the device is two levels up
            device = real == null || real.getParent() == null ? null : real.getParent().getParent();
        }
        return device == null ? null : tree.display(device);
    }
}
