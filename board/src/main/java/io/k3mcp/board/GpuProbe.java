package io.k3mcp.board;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** /sys/class/drm/cardN (connectors such as card0-HDMI-A-1 are skipped) and their render nodes. */
final class GpuProbe {
    private final SysTree tree;

    GpuProbe(SysTree tree) {
        this.tree = tree;
    }

    List<Accelerators.Gpu> read() {
        Path drm = tree.path("/sys/class/drm");
        List<Path> entries = tree.list(drm);
        List<Accelerators.Gpu> gpus = new ArrayList<>();
        for (Path card : entries) {
            String name = card.getFileName().toString();
            if (!name.matches("card\\d+")) {
                continue;
            }
            Path device = tree.real(card.resolve("device"));
            List<String> nodes = new ArrayList<>();
            addIfExists(nodes, "/dev/dri/" + name);
            for (Path other : entries) {
                String otherName = other.getFileName().toString();
                if (otherName.matches("renderD\\d+") && device != null
                        && Objects.equals(device, tree.real(other.resolve("device")))) {
                    addIfExists(nodes, "/dev/dri/" + otherName);
                }
            }
            gpus.add(new Accelerators.Gpu(name, tree.linkName(card.resolve("device/driver")),
                    device == null ? null : tree.display(device),
                    new DeviceTree(tree).strings(card.resolve("device/of_node"), "compatible"),
                    tree.text(card.resolve("device/vendor")), tree.text(card.resolve("device/device")), nodes));
        }
        return gpus;
    }

    private void addIfExists(List<String> nodes, String devPath) {
        if (tree.exists(tree.path(devPath))) {
            nodes.add(devPath);
        }
    }
}
