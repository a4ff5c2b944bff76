package io.k3mcp.board;

/** /proc/meminfo in bytes (the file says kB, meaning KiB); hugepage counts are pages. */
public record MemoryStatus(
        Long totalBytes,
        Long availableBytes,
        Long freeBytes,
        Long swapTotalBytes,
        Long swapFreeBytes,
        Long hugepagesTotal,
        Long hugepagesFree,
        Long hugepageSizeBytes) {
}
