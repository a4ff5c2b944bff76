package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missing files are absent, broken ones are warnings; nothing throws and nothing hangs. */
class BrokenTreeTest {
    @TempDir
    Path root;

    @Test
    void anEmptyTreeIsAllAbsent() {
        BoardStatus status = new BoardProbe(root).snapshot();
        assertNull(status.board().model());
        assertNull(status.cpu().architecture());
        assertEquals(0, status.cpu().countPresent());
        assertTrue(status.cpu().clusters().isEmpty());
        assertNull(status.cpu().load());
        assertNull(status.memory());
        assertTrue(status.thermal().isEmpty());
        assertTrue(status.fans().isEmpty());
        assertTrue(status.power().isEmpty());
        assertTrue(status.accelerators().gpus().isEmpty());
        assertTrue(status.accelerators().npus().isEmpty());
        assertTrue(status.storage().isEmpty());
        assertNull(status.kernel().cmdline());
        assertFalse(status.k3().detected());
        assertEquals(List.of(), status.warnings());
    }

    @Test
    void aRootThatIsNotADirectoryIsRejected() throws Exception {
        Path file = Files.writeString(root.resolve("file"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BoardProbe(file));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BoardProbe(root.resolve("missing")));
    }

    @Test
    void garbageValuesBecomeWarningsNamingTheFile() {
        new TreeBuilder(root)
                .file("/sys/devices/virtual/thermal/thermal_zone0/type", "soc\n")
                .file("/sys/devices/virtual/thermal/thermal_zone0/temp", "hot\n")
                .link("/sys/class/thermal/thermal_zone0", "../../devices/virtual/thermal/thermal_zone0")
                .file("/sys/devices/system/cpu/online", "0-x\n")
                .file("/proc/loadavg", "high\n")
                .file("/proc/meminfo", "MemTotal: lots kB\nMemFree: 100 kB\n")
                .file("/proc/uptime", "long ago\n");
        BoardStatus status = new BoardProbe(root).snapshot();
        assertNull(status.thermal().get(0).tempC());
        assertEquals("soc", status.thermal().get(0).type());
        assertNull(status.cpu().load());
        assertEquals(100L * 1024, status.memory().freeBytes());
        assertNull(status.memory().totalBytes());
        List<String> warnings = status.warnings();
        assertTrue(warnings.contains("/sys/class/thermal/thermal_zone0/temp: not a whole number: \"hot\""),
                warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("/sys/devices/system/cpu/online: malformed cpu list")),
                warnings.toString());
        assertTrue(warnings.contains("/proc/loadavg: unexpected format: \"high\""), warnings.toString());
        assertTrue(warnings.contains("/proc/meminfo: not a number in line \"MemTotal: lots kB\""), warnings.toString());
        assertTrue(warnings.contains("/proc/uptime: not a number: \"long\""), warnings.toString());
    }

    @Test
    void aReadThatNeverReturnsIsAbandonedWithAWarning() throws Exception {
        new TreeBuilder(root)
                .file("/sys/devices/platform/stuck/hwmon/hwmon0/name", "stuck\n")
                .fifo("/sys/devices/platform/stuck/hwmon/hwmon0/fan1_input")
                .link("/sys/class/hwmon/hwmon0", "../../devices/platform/stuck/hwmon/hwmon0");
        BoardStatus status = new BoardProbe(root, Duration.ofMillis(200)).snapshot();
        FanChannel fan = status.fans().get(0);
        assertEquals("stuck", fan.chip());
        assertNull(fan.rpm());
        assertTrue(status.warnings().stream().anyMatch(w -> w.startsWith(
                "/sys/class/hwmon/hwmon0/fan1_input: read did not finish within 200 ms")),
                status.warnings().toString());
    }

    @Test
    void directoriesAndLinkLoopsWhereFilesBelongAreWarned() {
        new TreeBuilder(root)
                .dir("/proc/cmdline")
                .link("/proc/sys/kernel/osrelease", "osrelease");
        BoardStatus status = new BoardProbe(root).snapshot();
        assertNull(status.kernel().cmdline());
        assertNull(status.kernel().release());
        assertTrue(status.warnings().contains("/proc/cmdline: is a directory, expected a file"),
                status.warnings().toString());
        assertTrue(status.warnings().stream().anyMatch(w -> w.startsWith("/proc/sys/kernel/osrelease: ")),
                status.warnings().toString());
    }

    @Test
    void anUnreadableFileIsAWarning() throws Exception {
        new TreeBuilder(root).file("/proc/cmdline", "quiet\n");
        Path cmdline = root.resolve("proc/cmdline");
        Files.setPosixFilePermissions(cmdline, java.util.Set.of());
        // root reads anything: this check only means something for an ordinary user
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(cmdline), "running as root");
        BoardStatus status = new BoardProbe(root).snapshot();
        assertNull(status.kernel().cmdline());
        assertEquals(List.of("/proc/cmdline: permission denied"), status.warnings());
    }

    @Test
    void aDanglingClassLinkIsAbsentNotBroken() {
        // a driver unbound mid-read leaves its class link pointing nowhere
        new TreeBuilder(root).link("/sys/class/hwmon/hwmon3", "../../devices/platform/gone/hwmon/hwmon3");
        BoardStatus status = new BoardProbe(root).snapshot();
        assertTrue(status.fans().isEmpty());
        assertEquals(List.of(), status.warnings());
    }

    @Test
    void aSensorWithoutReadingYetIsAbsentNotBroken() {
        // temp1_input fails with ENXIO, as a sensor with nothing to report yet does; temp2_input reads
        new TreeBuilder(root)
                .file("/sys/class/hwmon/hwmon0/name", "acpitz\n")
                .socket("/sys/class/hwmon/hwmon0/temp1_input")
                .file("/sys/class/hwmon/hwmon0/temp2_input", "41000\n");
        BoardProbe probe = new BoardProbe(root);
        List<HwmonTemperature> temps = probe.hwmonTemperatures();
        assertEquals(List.of(2), temps.stream().map(HwmonTemperature::channel).toList());
        assertEquals(List.of(), probe.warnings());
    }

    @Test
    void aFileWhereAChipDirectoryBelongsIsWarnedNotAbsent() {
        // ENOTDIR is no "no reading yet": reading the chip's name and resolving its device are both warned
        new TreeBuilder(root).file("/sys/class/hwmon/hwmon0", "not a directory\n");
        BoardProbe probe = new BoardProbe(root);
        assertEquals(List.of(), probe.hwmonTemperatures());
        List<String> warnings = probe.warnings();
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("/sys/class/hwmon/hwmon0/name: ")
                && w.endsWith("Not a directory")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("/sys/class/hwmon/hwmon0/device: cannot resolve: ")
                && w.endsWith("Not a directory")), warnings.toString());
    }

    @Test
    void truncatedCpuinfoStillYieldsTheCpusItDescribes() {
        new TreeBuilder(root)
                .file("/sys/devices/system/cpu/present", "0-1\n")
                .file("/proc/cpuinfo", "processor\t: 0\nmodel name\t: Spacemit(R) A100\nisa\t\t: rv64imaf")
                .file("/sys/devices/system/cpu/cpu0/topology/cluster_id", "0\n")
                .file("/sys/devices/system/cpu/cpu1/topology/cluster_id", "0\n");
        CpuStatus cpu = new BoardProbe(root).snapshot().cpu();
        assertEquals("riscv64", cpu.architecture());
        assertEquals("Spacemit(R) A100", cpu.cpus().get(0).modelName());
        assertNull(cpu.cpus().get(1).modelName());
        assertEquals("0-1", cpu.online(), "no online file: every present cpu counts as online");
    }
}
