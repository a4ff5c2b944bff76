package io.k3mcp.engine.session;

/** Memory free for KV caches: {@link FreeMemory} (the kernel's MemAvailable), capped by what the JVM lets direct buffers take. */
public final class SystemMemory {

    private SystemMemory() {
    }

    /** Bytes available now: min(MemAvailable, the JVM's direct-buffer limit, which defaults to its max heap). */
    public static long available() {
        return Math.min(FreeMemory.available(), Runtime.getRuntime().maxMemory());
    }

    /** The prefix cache's size when none is given: an eighth of the memory available now, at most 4 GiB. */
    public static long defaultPrefixCacheBytes() {
        return Math.min(available() / 8, 4L << 30);
    }
}
