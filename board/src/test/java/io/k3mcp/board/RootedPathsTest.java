package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Absolute symlinks inside a tree resolve below its root, never on the host. */
class RootedPathsTest {
    @TempDir
    Path root;

    @Test
    void absoluteLinksStayBelowTheRoot() {
        new TreeBuilder(root)
                .file("/etc/hostname", "fixture-host\n")
                .link("/proc/sys/kernel/hostname", "/etc/hostname") // the host has its own /etc/hostname
                .file("/data/release", "9.9.9\n")
                .link("/etc/kernel", "/data")
                .link("/proc/sys/kernel/osrelease", "/etc/kernel/../data/release")
                .bytes("/sys/firmware/devicetree/base/model", "Fixture Board\0".getBytes())
                .link("/proc/device-tree", "/sys/firmware/devicetree/base");
        BoardStatus status = new BoardProbe(root).snapshot();
        assertEquals("fixture-host", status.board().hostname());
        assertEquals("9.9.9", status.kernel().release());
        assertEquals("Fixture Board", status.board().model());
        assertEquals(List.of(), status.warnings());
    }

    @Test
    void aLinkLoopIsReportedNotFollowedForever() {
        new TreeBuilder(root).link("/proc/cmdline", "/proc/cmdline-next").link("/proc/cmdline-next", "/proc/cmdline");
        BoardStatus status = new BoardProbe(root).snapshot();
        assertEquals(null, status.kernel().cmdline());
        assertTrue(status.warnings().stream().anyMatch(w -> w.startsWith("/proc/cmdline")), status.warnings().toString());
    }
}
