package io.k3mcp.engine.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Memory a KV cache can take: Linux's MemAvailable (free memory plus what the kernel can reclaim,
 * such as page cache), else the JVM's view of free physical memory.
 */
public final class FreeMemory {
    private static final Logger log = LoggerFactory.getLogger(FreeMemory.class);

    private FreeMemory() {
    }

    public static long available() {
        return available(Path.of("/proc/meminfo"));
    }

    /** MemAvailable from a meminfo file; the JVM's figure when the file or the line is missing. */
    static long available(Path meminfo) {
        if (Files.isReadable(meminfo)) {
            try {
                Long kib = memAvailableKib(Files.readAllLines(meminfo));
                if (kib != null) {
                    return kib * 1024;
                }
                log.warn("no MemAvailable line in {}; using the JVM's free physical memory", meminfo);
            } catch (IOException e) {
                log.warn("cannot read {} error={}; using the JVM's free physical memory", meminfo, e.toString());
            }
        }
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getFreeMemorySize();
    }

    static Long memAvailableKib(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.substring("MemAvailable:".length()).replace("kB", "").trim());
            }
        }
        return null;
    }
}
