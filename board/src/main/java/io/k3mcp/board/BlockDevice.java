package io.k3mcp.board;

import java.util.List;

/**
 * A disk from /sys/block. {@code transport} is ufs, nvme, mmc, sata, usb, virtio, mtd or scsi
 * (null when the tree does not tell); mounts cover the disk and its partitions.
 */
public record BlockDevice(
        String name,
        String model,
        String vendor,
        Long sizeBytes,
        String transport,
        Boolean rotational,
        Boolean removable,
        List<Partition> partitions,
        List<Mount> mounts) {

    /** A partition of the disk; sysfs counts 512-byte sectors. */
    public record Partition(String name, Long sizeBytes) {
    }

    /** One /proc/mounts line for the disk or one of its partitions. */
    public record Mount(String source, String mountpoint, String fstype) {
    }
}
