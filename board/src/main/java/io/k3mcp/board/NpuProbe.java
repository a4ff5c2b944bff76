package io.k3mcp.board;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * NPUs found in the device tree by compatible string, and whether a platform driver is bound to
 * them: a node can be described (status "okay") yet have no driver and no /dev node, like the K3's.
 */
final class NpuProbe {
    /** Compatible strings of neural accelerators: Arm China Linlon, Rockchip RKNPU, VeriSilicon VIP, Arm Ethos, NVDLA. */
    private static final Pattern NPU = Pattern.compile("(?i)(npu|linlon|vipnano|vip9000|ethos-u|nvdla|,nna)");
    private static final int MAX_DEPTH = 3;
    private final SysTree tree;
    private final DeviceTree deviceTree;

    NpuProbe(SysTree tree) {
        this.tree = tree;
        this.deviceTree = new DeviceTree(tree);
    }

    List<Accelerators.Npu> read() {
        List<Accelerators.Npu> npus = new ArrayList<>();
        if (!deviceTree.present()) {
            return npus;
        }
        Map<String, Path> platformDevices = platformDevicesByNode();
        walk(deviceTree.base(), "", 0, platformDevices, npus);
        return npus;
    }

    private void walk(Path node, String relative, int depth, Map<String, Path> platform, List<Accelerators.Npu> out) {
        List<String> compatible = deviceTree.strings(node, "compatible");
        if (!relative.isEmpty() && compatible.stream().anyMatch(c -> NPU.matcher(c).find())) {
            out.add(npu(node, relative, compatible, platform.get(relative)));
        }
        if (depth >= MAX_DEPTH) {
            return;
        }
        for (Path child : tree.list(node)) {
            if (Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                String name = child.getFileName().toString();
                walk(child, relative.isEmpty() ? name : relative + "/" + name, depth + 1, platform, out);
            }
        }
    }

    private Accelerators.Npu npu(Path node, String relative, List<String> compatible, Path platformDevice) {
        String status = deviceTree.string(node, "status");
        boolean enabled = status == null || status.equals("okay") || status.equals("ok");
        String driver = platformDevice == null ? null : tree.linkName(platformDevice.resolve("driver"));
        List<String> devNodes = platformDevice == null || driver == null ? List.of() : devNodes(platformDevice);
        String state = !enabled ? "disabled" : driver != null ? "driver bound" : "present, no driver";
        String name = node.getFileName().toString();
        int at = name.indexOf('@');
        return new Accelerators.Npu("/" + relative, at < 0 ? name : name.substring(0, at), compatible, status,
                driver != null, driver, devNodes, state);
    }

    /** Platform devices keyed by their device-tree node ("soc/linlon-v5@c0500000"), from of_node links. */
    private Map<String, Path> platformDevicesByNode() {
        Map<String, Path> byNode = new HashMap<>();
        for (Path device : tree.list(tree.path("/sys/bus/platform/devices"))) {
            Path ofNode = device.resolve("of_node");
            if (!Files.isSymbolicLink(ofNode)) {
                continue;
            }
            try {
                String target = Files.readSymbolicLink(ofNode).toString();
                int base = target.indexOf("devicetree/base/");
                if (base >= 0) {
                    byNode.put(target.substring(base + "devicetree/base/".length()), device);
                }
            } catch (IOException e) {
                tree.warnings().add(tree.display(ofNode), "cannot read link: " + e.getMessage());
            }
        }
        return byNode;
    }

    /** Character devices the bound driver created below the device (misc, accel classes). */
    private List<String> devNodes(Path platformDevice) {
        List<String> nodes = new ArrayList<>();
        for (Path classDir : tree.list(platformDevice)) {
            for (Path entry : tree.list(classDir)) {
                if (Files.isRegularFile(entry.resolve("dev"))) {
                    String name = entry.getFileName().toString();
                    for (String candidate : List.of("/dev/" + name, "/dev/accel/" + name)) {
                        if (tree.exists(tree.path(candidate))) {
                            nodes.add(candidate);
                        }
                    }
                }
            }
        }
        return nodes;
    }
}
