package io.k3mcp.engine.session;

import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * THE one place that picks the {@link Kernels} implementation for the CLI and the server.
 * TODO(native): when branch {@code native} is merged, return NativeKernels (with threads and cores)
 * when its library loads, and fall back to the reference only when it does not.
 */
public final class KernelsChoice {
    private static final Logger log = LoggerFactory.getLogger(KernelsChoice.class);

    private KernelsChoice() {
    }

    /**
     * @param threads worker threads (0 = one per chosen core); used by the native kernels
     * @param cores   cpu list such as "0-3,6" or null; used by the native kernels
     */
    public static Kernels pick(int threads, String cores) {
        log.warn("kernels=reference reason=\"native kernels are not built into this version\" threads={} cores={}"
                + " (plain-Java reference kernels: exact but slow)", threads, cores);
        return ReferenceKernels.INSTANCE;
    }
}
