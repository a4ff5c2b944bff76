package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SysTree's failure classification: "no reading yet" is absent, every other failure is a warning
 * naming the file. The failures are real ones, provoked without permission bits (tests may run as root).
 */
class SysTreeTest {
    private static final String ATTRIBUTE = "/sys/class/hwmon/hwmon0/temp1_input";

    @TempDir
    Path root;

    private final Warnings warnings = new Warnings();

    private SysTree tree(Path treeRoot) {
        return new SysTree(treeRoot, Duration.ofSeconds(5), warnings);
    }

    /** What the JDK throws for a failed open or read: strerror's text after the file name. */
    private static IOException failure(String strerror) {
        return new FileSystemException(ATTRIBUTE, null, strerror);
    }

    @Test
    void enodataEinvalAndEnxioMeanNoReadingYet() {
        for (String strerror : List.of("No data available", "Invalid argument", "No such device or address",
                "No such device")) {
            assertTrue(SysTree.isNoData(failure(strerror)), strerror);
            assertTrue(SysTree.isNoData(new IOException(strerror)), strerror);
        }
    }

    @Test
    void otherReadFailuresAreNotNoData() {
        for (String strerror : List.of("Input/output error", "Not a directory", "Device or resource busy")) {
            assertFalse(SysTree.isNoData(failure(strerror)), strerror);
        }
        assertFalse(SysTree.isNoData(new IOException()), "an exception without a message");
    }

    @Test
    void anAttributeThatFailsWithEnxioIsAbsentWithoutAWarning() {
        new TreeBuilder(root).socket(ATTRIBUTE);
        SysTree tree = tree(root);
        assertNull(tree.text(tree.path(ATTRIBUTE)));
        assertEquals(List.of(), warnings.list());
    }

    @Test
    void anAttributeBelowAFileIsAWarningNotAbsent() {
        // ENOTDIR, an IOException other than "no reading yet"
        new TreeBuilder(root).file("/sys/class/hwmon/hwmon0", "a file where a directory belongs\n");
        SysTree tree = tree(root);
        assertNull(tree.text(tree.path(ATTRIBUTE)));
        List<String> list = warnings.list();
        assertEquals(1, list.size(), list.toString());
        assertTrue(list.get(0).startsWith(ATTRIBUTE + ": ") && list.get(0).endsWith("Not a directory"), list.toString());
    }

    @Test
    void aPathBelowAFileCannotBeResolved() {
        new TreeBuilder(root).file("/sys/class/drm/card0", "a file where a directory belongs\n");
        SysTree tree = tree(root);
        assertNull(tree.real(tree.path("/sys/class/drm/card0/device")));
        List<String> list = warnings.list();
        assertEquals(1, list.size(), list.toString());
        assertTrue(list.get(0).startsWith("/sys/class/drm/card0/device: cannot resolve: ")
                && list.get(0).endsWith("Not a directory"), list.toString());
    }

    @Test
    void aDirectoryTheKernelCannotOpenIsACannotListWarning() {
        // On the live root SysTree leaves link resolution to the kernel, so a loop reaches opendir(3)
        // and fails there with ELOOP (below a fixture root, RootedPaths reports it before listing).
        new TreeBuilder(root).link("/sys/class/hwmon", "hwmon-next").link("/sys/class/hwmon-next", "hwmon");
        SysTree tree = tree(Path.of("/"));
        Path dir = root.resolve("sys/class/hwmon");
        assertEquals(List.of(), tree.list(dir));
        List<String> list = warnings.list();
        assertEquals(1, list.size(), list.toString());
        assertTrue(list.get(0).startsWith(tree.display(dir) + ": cannot list: "), list.toString());
    }

    @Test
    void aLinkThatCannotBeReadIsACannotReadLinkWarning() throws Exception {
        // procfs lists a zombie's exe as a symlink, but readlink(2) on it fails with ENOENT: its memory is
        // gone. The shell forks a child that exits at once, then becomes a sleep that never reaps it.
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & echo $!; exec sleep 60")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String pid = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            Path proc = Path.of("/proc", pid.trim());
            awaitZombie(proc);
            SysTree tree = tree(Path.of("/"));
            Path exe = proc.resolve("exe");
            assertTrue(Files.isSymbolicLink(exe), "procfs lists " + exe + " as a link");
            assertNull(tree.readLink(exe));
            assertNull(tree.linkName(exe));
            assertEquals(List.of(exe + ": cannot read link: " + exe), warnings.list());
        } finally {
            parent.destroy();
            parent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits (a bounded time: not a timing check) until the child has exited and sits unreaped. */
    private static void awaitZombie(Path proc) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String stat = Files.readString(proc.resolve("stat"));
        // /proc/PID/stat: "pid (comm) state ..."
        while (stat.charAt(stat.lastIndexOf(')') + 2) != 'Z') {
            assertTrue(System.nanoTime() < deadline, "child never became a zombie: " + stat);
            Thread.sleep(10);
            stat = Files.readString(proc.resolve("stat"));
        }
    }
}
