package io.k3mcp.board;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * /sys/class/video4linux devices and their /dev nodes, including udev aliases such as
 * /dev/video-dec0 -> video0; /dev/video* nodes sysfs does not list are reported too.
 */
final class VideoProbe {
    private final SysTree tree;

    VideoProbe(SysTree tree) {
        this.tree = tree;
    }

    List<Accelerators.Video> read() {
        List<Path> devEntries = tree.list(tree.path("/dev"), "video");
        Set<String> claimed = new HashSet<>();
        List<Accelerators.Video> devices = new ArrayList<>();
        for (Path entry : tree.list(tree.path("/sys/class/video4linux"))) {
            String name = entry.getFileName().toString();
            List<String> nodes = new ArrayList<>();
            for (Path dev : devEntries) {
                String devName = dev.getFileName().toString();
                if (devName.equals(name) || name.equals(tree.linkName(dev))) {
                    nodes.add("/dev/" + devName);
                    claimed.add(devName);
                }
            }
            devices.add(new Accelerators.Video(name, tree.text(entry.resolve("name")),
                    tree.linkName(entry.resolve("device/driver")), nodes));
        }
        for (Path dev : devEntries) {
            String devName = dev.getFileName().toString();
            if (!claimed.contains(devName) && !Files.isDirectory(dev)) {
                devices.add(new Accelerators.Video(devName, null, null, List.of("/dev/" + devName)));
            }
        }
        return devices;
    }
}
