package io.k3mcp.board;

import java.nio.file.Path;

/** How a disk is attached, from its name and, for SCSI disks, the host adapter's driver (proc_name). */
final class Transport {
    private final SysTree tree;

    Transport(SysTree tree) {
        this.tree = tree;
    }

    String of(Path disk, String name) {
        if (name.startsWith("nvme")) {
            return "nvme";
        }
        if (name.startsWith("mmcblk")) {
            return "mmc";
        }
        if (name.startsWith("mtdblock")) {
            return "mtd";
        }
        if (name.startsWith("vd")) {
            return "virtio";
        }
        Path device = tree.real(disk.resolve("device"));
        if (device == null) {
            return null;
        }
        String path = tree.display(device);
        String host = scsiHostDriver(device);
        if (host != null) {
            if (host.startsWith("ufs")) {
                return "ufs";
            }
            if (host.equals("usb-storage") || host.equals("uas")) {
                return "usb";
            }
            if (host.equals("ahci") || host.startsWith("ata") || host.contains("sata")) {
                return "sata";
            }
        }
        if (path.contains("/usb")) {
            return "usb";
        }
        if (path.matches(".*/ata\\d+/.*")) {
            return "sata";
        }
        if (path.contains(".ufs/") || path.contains("/ufs")) {
            return "ufs";
        }
        return name.startsWith("sd") ? "scsi" : null;
    }

    /** The SCSI host's proc_name ("ufshcd", "ahci", "usb-storage"): hostN/scsi_host/hostN/proc_name. */
    private String scsiHostDriver(Path device) {
        for (Path p = device; p != null && p.startsWith(tree.root()); p = p.getParent()) {
            String element = p.getFileName() == null ? "" : p.getFileName().toString();
            if (element.matches("host\\d+")) {
                return tree.text(p.resolve("scsi_host").resolve(element).resolve("proc_name"));
            }
        }
        return null;
    }
}
