package io.k3mcp.board;

import java.util.HashMap;
import java.util.Map;

/** /proc/meminfo. */
final class MemoryProbe {
    private final SysTree tree;

    MemoryProbe(SysTree tree) {
        this.tree = tree;
    }

    MemoryStatus read() {
        String text = tree.table(tree.path("/proc/meminfo"));
        if (text == null) {
            return null;
        }
        Map<String, Long> values = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String[] parts = line.substring(colon + 1).trim().split("\\s+");
            try {
                long number = Long.parseLong(parts[0]);
                boolean kib = parts.length > 1 && parts[1].equalsIgnoreCase("kB");
                values.put(line.substring(0, colon).trim(), kib ? number * 1024 : number);
            } catch (NumberFormatException e) {
                tree.warnings().add("/proc/meminfo", "not a number in line \"" + line.trim() + "\"");
            }
        }
        return new MemoryStatus(values.get("MemTotal"), values.get("MemAvailable"), values.get("MemFree"),
                values.get("SwapTotal"), values.get("SwapFree"), values.get("HugePages_Total"),
                values.get("HugePages_Free"), values.get("Hugepagesize"));
    }
}
