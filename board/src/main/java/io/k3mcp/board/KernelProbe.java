package io.k3mcp.board;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** /proc/sys/kernel/osrelease, /proc/version and /proc/cmdline. */
final class KernelProbe {
    /** Command-line flags that change how compute code behaves (alignment, isolation, huge pages). */
    private static final Set<String> FLAGS = Set.of("isolcpus", "nohz_full", "rcu_nocbs", "irqaffinity",
            "maxcpus", "nosmt", "mitigations", "hugepages", "hugepagesz", "default_hugepagesz",
            "transparent_hugepage", "numa_balancing", "cpufreq.default_governor");

    private final SysTree tree;

    KernelProbe(SysTree tree) {
        this.tree = tree;
    }

    KernelInfo read() {
        String cmdline = tree.text(tree.path("/proc/cmdline"));
        return new KernelInfo(tree.text(tree.path("/proc/sys/kernel/osrelease")),
                tree.text(tree.path("/proc/version")), cmdline, flags(cmdline));
    }

    /** Flags of interest in command-line order; a bare flag maps to "" ; unaligned_* are all kept. */
    static Map<String, String> flags(String cmdline) {
        Map<String, String> flags = new LinkedHashMap<>();
        if (cmdline == null) {
            return flags;
        }
        for (String token : cmdline.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            String key = eq < 0 ? token : token.substring(0, eq);
            if (key.startsWith("unaligned_") || FLAGS.contains(key)) {
                flags.put(key, eq < 0 ? "" : token.substring(eq + 1));
            }
        }
        return flags;
    }
}
