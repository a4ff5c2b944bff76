package io.k3mcp.server.cli;

import io.k3mcp.tools.bench.CpuList;

import java.nio.file.Path;

/**
 * {@code --cores}: a cpu list for the kernel workers ("0-3,6"), or on a SpacemiT K3 one of its core kinds ("x100",
 * "a100", from /proc/cpuinfo); a list that does not resolve is a usage error naming the flag.
 */
final class CoreOption {
    static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private CoreOption() {
    }

    /** The cpus, or null when none are given (no pinning). */
    static int[] resolve(String cores) {
        return resolve(cores, CPUINFO);
    }

    static int[] resolve(String cores, Path cpuinfo) {
        if (cores == null || cores.isBlank()) {
            return null;
        }
        try {
            return CpuList.resolve(cores, cpuinfo);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cores: " + e.getMessage().replaceFirst("^cores: ", ""));
        }
    }

    /** The cpus as a numeric list ("0-3,6") for options passed on as text, or null when none are given. */
    static String numeric(String cores) {
        int[] cpus = resolve(cores);
        return cpus == null ? null : CpuList.format(cpus);
    }
}
