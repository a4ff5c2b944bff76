package io.k3mcp.board;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Board identity: device-tree model or DMI product, OS release, hostname, uptime. */
final class BoardInfoProbe {
    private final SysTree tree;
    private final DeviceTree deviceTree;

    BoardInfoProbe(SysTree tree) {
        this.tree = tree;
        this.deviceTree = new DeviceTree(tree);
    }

    /** Root compatible strings of the device tree; empty on ACPI/DMI machines. */
    List<String> compatible() {
        return deviceTree.strings(deviceTree.base(), "compatible");
    }

    /** The device-tree model string, or null. */
    String deviceTreeModel() {
        return deviceTree.string(deviceTree.base(), "model");
    }

    BoardInfo read(String k3Soc) {
        String model = deviceTreeModel();
        String source = model == null ? null : "device-tree";
        String vendor = null;
        if (model == null) {
            model = tree.text(tree.path("/sys/class/dmi/id/product_name"));
            source = model == null ? null : "dmi";
        }
        if ("dmi".equals(source) || model == null) {
            vendor = tree.text(tree.path("/sys/class/dmi/id/sys_vendor"));
        }
        List<String> compatible = compatible();
        String soc = k3Soc != null ? k3Soc : compatible.isEmpty() ? null : compatible.get(compatible.size() - 1);
        Map<String, String> os = osRelease();
        return new BoardInfo(model, source, vendor, compatible, soc, os.get("PRETTY_NAME"), os.get("ID"),
                os.get("VERSION_ID"), tree.text(tree.path("/proc/sys/kernel/hostname")), uptimeSeconds());
    }

    private Double uptimeSeconds() {
        String uptime = tree.text(tree.path("/proc/uptime"));
        if (uptime == null || uptime.isEmpty()) {
            return null;
        }
        String first = uptime.split("\\s+")[0];
        try {
            return Double.parseDouble(first);
        } catch (NumberFormatException e) {
            tree.warnings().add("/proc/uptime", "not a number: \"" + first + "\"");
            return null;
        }
    }

    private Map<String, String> osRelease() {
        String text = tree.text(tree.path("/etc/os-release"));
        if (text == null) {
            text = tree.text(tree.path("/usr/lib/os-release"));
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (text == null) {
            return values;
        }
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0 || line.startsWith("#")) {
                continue;
            }
            String value = line.substring(eq + 1).trim();
            if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))
                    && value.charAt(value.length() - 1) == value.charAt(0)) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(line.substring(0, eq).trim(), value);
        }
        return values;
    }
}
