package io.k3mcp.engine.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory free for KV caches: the kernel's MemAvailable, capped by what the JVM lets direct buffers take. */
public final class SystemMemory {
    private static final Logger log = LoggerFactory.getLogger(SystemMemory.class);

    private SystemMemory() {
    }

    /** Bytes available now: min(MemAvailable, the JVM's direct-buffer limit, which defaults to its max heap). */
    public static long available() {
        long jvm = Runtime.getRuntime().maxMemory();
        try {
            long os = memAvailable(Files.readString(Path.of("/proc/meminfo")));
            return os < 0 ? jvm : Math.min(os, jvm);
        } catch (IOException e) {
            log.warn("cannot read /proc/meminfo, using the JVM's limit error={}", e.toString());
            return jvm;
        }
    }

    /** The prefix cache's size when none is given: an eighth of the memory available now, at most 4 GiB. */
    public static long defaultPrefixCacheBytes() {
        return Math.min(available() / 8, 4L << 30);
    }

    /** The MemAvailable line of a /proc/meminfo text in bytes, or -1 when it has none. */
    static long memAvailable(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemAvailable:")) {
                String[] f = line.substring("MemAvailable:".length()).trim().split("\\s+");
                return Long.parseLong(f[0]) * (f.length > 1 && f[1].equals("kB") ? 1024 : 1);
            }
        }
        return -1;
    }
}
