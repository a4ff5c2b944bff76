package io.k3mcp.board;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Device-tree properties under /proc/device-tree: strings and string lists are NUL-terminated. */
final class DeviceTree {
    private final SysTree tree;

    DeviceTree(SysTree tree) {
        this.tree = tree;
    }

    Path base() {
        return tree.path("/proc/device-tree");
    }

    boolean present() {
        return tree.exists(base());
    }

    /** The node directory for a path such as "soc/linlon-v5@c0500000" ("" is the root node). */
    Path node(String relative) {
        return relative.isEmpty() ? base() : base().resolve(relative);
    }

    /** A string property; null when absent. */
    String string(Path node, String property) {
        List<String> values = strings(node, property);
        return values.isEmpty() ? null : values.get(0);
    }

    /** A string-list property (compatible); empty when absent. */
    List<String> strings(Path node, String property) {
        byte[] raw = tree.bytes(node.resolve(property), SysTree.ATTRIBUTE_BYTES);
        List<String> values = new ArrayList<>();
        if (raw == null) {
            return values;
        }
        int start = 0;
        for (int i = 0; i <= raw.length; i++) {
            if (i == raw.length || raw[i] == 0) {
                if (i > start) {
                    values.add(new String(raw, start, i - start, StandardCharsets.UTF_8).trim());
                }
                start = i + 1;
            }
        }
        return values;
    }
}
