package io.k3mcp.board;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** /sys/block disks (RAM-backed loop/ram/zram devices skipped) with partitions and /proc/mounts entries. */
final class StorageProbe {
    private static final long SECTOR_BYTES = 512;
    private final SysTree tree;

    StorageProbe(SysTree tree) {
        this.tree = tree;
    }

    List<BlockDevice> read() {
        List<BlockDevice.Mount> allMounts = mounts();
        List<BlockDevice> disks = new ArrayList<>();
        for (Path disk : tree.list(tree.path("/sys/block"))) {
            String name = disk.getFileName().toString();
            if (name.startsWith("loop") || name.startsWith("ram") || name.startsWith("zram")) {
                continue;
            }
            List<BlockDevice.Partition> partitions = new ArrayList<>();
            List<String> names = new ArrayList<>(List.of(name));
            for (Path child : tree.list(disk, name)) {
                if (Files.exists(child.resolve("partition"))) {
                    String part = child.getFileName().toString();
                    partitions.add(new BlockDevice.Partition(part, bytes(child.resolve("size"))));
                    names.add(part);
                }
            }
            List<BlockDevice.Mount> mounts = allMounts.stream()
                    .filter(m -> names.contains(m.source().substring(m.source().lastIndexOf('/') + 1))
                            && m.source().startsWith("/dev/"))
                    .toList();
            String model = tree.text(disk.resolve("device/model"));
            if (model == null) {
                model = tree.text(disk.resolve("device/name")); // mmc cards and mtd partitions name themselves
            }
            Long rotational = tree.number(disk.resolve("queue/rotational"));
            Long removable = tree.number(disk.resolve("removable"));
            disks.add(new BlockDevice(name, model, tree.text(disk.resolve("device/vendor")),
                    bytes(disk.resolve("size")), new Transport(tree).of(disk, name),
                    rotational == null ? null : rotational != 0, removable == null ? null : removable != 0,
                    partitions, mounts));
        }
        return disks;
    }

    private Long bytes(Path sizeFile) {
        Long sectors = tree.number(sizeFile);
        return sectors == null ? null : sectors * SECTOR_BYTES;
    }

    private List<BlockDevice.Mount> mounts() {
        String text = tree.table(tree.path("/proc/mounts"));
        List<BlockDevice.Mount> mounts = new ArrayList<>();
        if (text == null) {
            return mounts;
        }
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 3) {
                mounts.add(new BlockDevice.Mount(unescape(fields[0]), unescape(fields[1]), fields[2]));
            }
        }
        return mounts;
    }

    /** /proc/mounts writes space, tab, newline and backslash as \040 \011 \012 \134. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
