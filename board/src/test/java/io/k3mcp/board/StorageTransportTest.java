package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transport and model for disks the fixtures do not hold: USB, UFS known only by path, NOR flash partitions. */
class StorageTransportTest {
    @TempDir
    Path root;

    private TreeBuilder disk(String devicePath, String name) {
        return new TreeBuilder(root)
                .file(devicePath + "/block/" + name + "/size", "2048\n")
                .link(devicePath + "/block/" + name + "/device", "../..")
                .link("/sys/block/" + name, ".." + devicePath.substring("/sys".length()) + "/block/" + name);
    }

    @Test
    void transportsFromHostDriverPathAndName() {
        disk("/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host4/target4:0:0/4:0:0:0", "sdb")
                .file("/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host4/scsi_host/host4/proc_name",
                        "usb-storage\n")
                .file("/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host4/target4:0:0/4:0:0:0/model",
                        "Flash Drive\n");
        disk("/sys/devices/platform/soc/d0000000.ufshc/host1/target1:0:0/1:0:0:0", "sdc");
        disk("/sys/devices/platform/soc/spi/spi0.0/mtd/mtd2", "mtdblock2")
                .file("/sys/devices/platform/soc/spi/spi0.0/mtd/mtd2/name", "env\n");
        disk("/sys/devices/virtual/block/zram0", "zram0");
        List<BlockDevice> disks = new BoardProbe(root).snapshot().storage();
        assertEquals(List.of("mtdblock2", "sdb", "sdc"), disks.stream().map(BlockDevice::name).toList());
        assertEquals(List.of("mtd", "usb", "ufs"), disks.stream().map(BlockDevice::transport).toList());
        assertEquals("env", disks.get(0).model());
        assertEquals("Flash Drive", disks.get(1).model());
        assertEquals(2048L * 512, disks.get(2).sizeBytes());
    }
}
