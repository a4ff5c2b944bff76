package io.k3mcp.tools.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One reading of the board's thermal state for the benchmark's per-test context: the hottest thermal
 * zone, the mean current cpu clock and the first fan's speed, read from sysfs below {@code root}.
 * A sensor the board lacks reads as NaN.
 */
public final class BoardReader {
    private static final Logger LOG = LoggerFactory.getLogger(BoardReader.class);

    /** One sample; NaN where absent. */
    public record Reading(double maxTempC, double cpuMhz, double fanRpm) {
    }

    private final Path root;

    public BoardReader(Path root) {
        this.root = root;
    }

    public Reading read() {
        double maxTemp = Double.NaN;
        for (Path zone : list(root.resolve("sys/class/thermal"), "thermal_zone*")) {
            double milli = readNumber(zone.resolve("temp"));
            if (!Double.isNaN(milli)) {
                maxTemp = Double.isNaN(maxTemp) ? milli / 1000 : Math.max(maxTemp, milli / 1000);
            }
        }
        double khzSum = 0;
        int cpus = 0;
        for (Path cpu : list(root.resolve("sys/devices/system/cpu"), "cpu[0-9]*")) {
            double khz = readNumber(cpu.resolve("cpufreq/scaling_cur_freq"));
            if (!Double.isNaN(khz)) {
                khzSum += khz;
                cpus++;
            }
        }
        double fan = Double.NaN;
        for (Path hwmon : list(root.resolve("sys/class/hwmon"), "hwmon*")) {
            double rpm = readNumber(hwmon.resolve("fan1_input"));
            if (!Double.isNaN(rpm)) {
                fan = rpm;
                break;
            }
        }
        return new Reading(maxTemp, cpus == 0 ? Double.NaN : khzSum / cpus / 1000, fan);
    }

    private static Iterable<Path> list(Path dir, String glob) {
        if (!Files.isDirectory(dir)) {
            return java.util.List.of();
        }
        java.util.List<Path> out = new java.util.ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            ds.forEach(out::add);
        } catch (IOException e) {
            LOG.debug("board sensor directory unreadable dir={} error={}", dir, e.toString());
        }
        out.sort(null);
        return out;
    }

    private static double readNumber(Path file) {
        try {
            return Double.parseDouble(Files.readString(file).trim());
        } catch (NoSuchFileException e) {
            return Double.NaN;
        } catch (IOException | NumberFormatException e) {
            LOG.debug("board sensor unreadable file={} error={}", file, e.toString());
            return Double.NaN;
        }
    }
}
