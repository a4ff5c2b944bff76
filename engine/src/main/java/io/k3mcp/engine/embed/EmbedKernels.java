package io.k3mcp.engine.embed;

import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;

/**
 * THE ONE PLACE that chooses the kernels embeddings run on: {@code NativeKernels} (C through JNA, branch
 * {@code native}) when that class is in the build and its library loaded, else the plain-Java
 * {@link ReferenceKernels}. The choice and the reason are logged. It is looked up reflectively so this module
 * builds before the native binding lands; once it has, replace the reflection with direct calls.
 */
public final class EmbedKernels {
    private static final Logger LOG = LoggerFactory.getLogger(EmbedKernels.class);
    private static final String NATIVE = "io.k3mcp.kernels.NativeKernels";

    private EmbedKernels() {
    }

    /** Native kernels on {@code threads} unpinned workers when available, else the reference kernels. */
    public static Kernels select(int threads) {
        try {
            Class<?> nativeKernels = Class.forName(NATIVE);
            Object status = nativeKernels.getMethod("available").invoke(null);
            boolean available = (Boolean) status.getClass().getMethod("available").invoke(status);
            if (available) {
                Kernels k = (Kernels) nativeKernels.getMethod("open", int.class, int[].class, String.class)
                        .invoke(null, threads, null, null);
                LOG.info("embedding kernels={} threads={}", k.name(), threads);
                return k;
            }
            LOG.info("embedding kernels=reference reason=\"native kernels unavailable: {}\"",
                    status.getClass().getMethod("reason").invoke(status));
        } catch (ClassNotFoundException e) {
            LOG.info("embedding kernels=reference reason=\"native binding not in this build\"");
        } catch (InvocationTargetException e) {
            LOG.warn("embedding kernels=reference reason=\"native kernels failed to start: {}\"", e.getCause().toString());
        } catch (ReflectiveOperationException | ClassCastException e) {
            LOG.warn("embedding kernels=reference reason=\"native binding has an unexpected API: {}\"", e.toString());
        }
        return ReferenceKernels.INSTANCE;
    }
}
