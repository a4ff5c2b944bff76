package io.k3mcp.board;

import java.util.List;

/** GPUs (DRM), NPUs (device-tree nodes), V4L2 video devices and the K3's tightly coupled memory. */
public record Accelerators(List<Gpu> gpus, List<Npu> npus, List<Video> video, Tcm tcm) {

    /** A DRM card: kernel driver, the device it sits on, and its /dev/dri nodes. */
    public record Gpu(String card, String driver, String device, List<String> compatible, String pciVendor,
            String pciDevice, List<String> devNodes) {
    }

    /**
     * An NPU described by the device tree. {@code state} is "driver bound", "present, no driver" or
     * "disabled" (status other than okay).
     */
    public record Npu(String node, String name, List<String> compatible, String status, boolean driverBound,
            String driver, List<String> devNodes, String state) {
    }

    /** A V4L2 device: sysfs name (videoN), its name attribute, kernel driver, /dev nodes incl. aliases. */
    public record Video(String name, String label, String driver, List<String> devNodes) {
    }

    /** /dev/tcm, the K3's on-chip scratchpad. */
    public record Tcm(boolean present, String path) {
    }
}
