package io.k3mcp.tools.board;

import java.nio.file.Path;

/**
 * Validated board-status arguments: the root below which sysfs, procfs, devfs and the device tree are
 * read, how many samples to take, and how far apart.
 */
public record BoardStatusInput(Path root, int samples, int intervalMs) {
    public static final String DEFAULT_ROOT = "/";
    public static final int DEFAULT_SAMPLES = 1;
    public static final int MIN_SAMPLES = 1;
    public static final int MAX_SAMPLES = 600;
    public static final int DEFAULT_INTERVAL_MS = 1000;
    public static final int MIN_INTERVAL_MS = 10;
    public static final int MAX_INTERVAL_MS = 60_000;
}
