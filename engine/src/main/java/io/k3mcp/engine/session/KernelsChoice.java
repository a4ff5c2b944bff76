package io.k3mcp.engine.session;

import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.NativeAvailability;
import io.k3mcp.kernels.NativeKernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Locale;

/**
 * THE one place that picks the {@link Kernels} implementation for the CLI and the server:
 * the native kernels on the process's pinned pool when the library loads, else the plain-Java
 * reference with a warning that says why. {@code K3MCP_KERNELS=native|reference} forces a choice
 * (native then fails loudly when the library cannot load).
 */
public final class KernelsChoice {
    private static final Logger log = LoggerFactory.getLogger(KernelsChoice.class);

    private KernelsChoice() {
    }

    /**
     * @param threads worker threads (0 = one per listed cpu, else one per available processor)
     * @param cpus    resolved cpu ids to pin the workers to, or null for no pinning
     */
    public static Kernels pick(int threads, int[] cpus) {
        String forced = System.getenv("K3MCP_KERNELS");
        String mode = forced == null || forced.isBlank() ? "auto" : forced.strip().toLowerCase(Locale.ROOT);
        NativeAvailability status = NativeKernels.available();
        switch (mode) {
            case "reference" -> {
                log.info("kernels=reference reason=\"K3MCP_KERNELS=reference\"");
                return ReferenceKernels.INSTANCE;
            }
            case "native", "auto" -> {
                if (!status.available()) {
                    if (mode.equals("native")) {
                        throw new IllegalStateException("K3MCP_KERNELS=native but the native kernels cannot load: " + status.reason());
                    }
                    log.warn("kernels=reference reason=\"{}\" (plain-Java reference kernels: exact but slow)", status.reason());
                    return ReferenceKernels.INSTANCE;
                }
            }
            default -> throw new IllegalArgumentException("K3MCP_KERNELS must be auto, native or reference, not '" + forced + "'");
        }
        int n = threads > 0 ? threads : cpus != null && cpus.length > 0 ? cpus.length : Runtime.getRuntime().availableProcessors();
        NativeKernels k = NativeKernels.shared(n, cpus, null);
        log.info("kernels={} threads={} cpus={}", k.name(), n, cpus == null ? "any" : Arrays.toString(cpus));
        return k;
    }

    /** Parses a numeric cpu list such as "0-3,6"; named core sets (x100, a100) are resolved by the caller. */
    public static int[] parseCpuList(String list) {
        if (list == null || list.isBlank()) {
            return null;
        }
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.strip();
            try {
                int dash = p.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1));
                if (lo < 0 || hi < lo || hi > 1023) {
                    throw new IllegalArgumentException("cpu range '" + p + "' is out of order or outside 0..1023");
                }
                for (int c = lo; c <= hi; c++) {
                    out.add(c);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + p + "' is not a cpu id or range (expected e.g. 0-3,6)", e);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
