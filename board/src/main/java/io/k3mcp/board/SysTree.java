package io.k3mcp.board;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sysfs/procfs/devfs tree below a root directory ("/" on a live system, a fixture in tests).
 * Every probe reads through here: an absent file yields null (logged at debug), any other failure
 * yields null plus an entry in {@link Warnings}, so a probe never throws on a broken tree.
 */
public final class SysTree {
    private static final Logger LOG = LoggerFactory.getLogger(SysTree.class);
    /** sysfs attributes are one page at most; a larger answer is a misbehaving driver. */
    static final int ATTRIBUTE_BYTES = 64 * 1024;
    /** /proc/cpuinfo, /proc/mounts and the like on large machines. */
    static final int TABLE_BYTES = 4 * 1024 * 1024;

    private final Path root;
    private final RootedPaths rooted;
    private final Duration readLimit;
    private final Warnings warnings;

    public SysTree(Path root, Duration readLimit, Warnings warnings) {
        this.root = root.toAbsolutePath().normalize();
        this.rooted = new RootedPaths(this.root);
        this.readLimit = readLimit;
        this.warnings = warnings;
    }

    public Path root() {
        return root;
    }

    public Warnings warnings() {
        return warnings;
    }

    /** {@code path("/sys/class/thermal")} is that directory below the root. */
    public Path path(String absolute) {
        String relative = absolute.startsWith("/") ? absolute.substring(1) : absolute;
        return relative.isEmpty() ? root : root.resolve(relative);
    }

    /** The path as it would appear on the live system ("/sys/..."), for messages and output. */
    public String display(Path file) {
        Path normal = file.toAbsolutePath().normalize();
        for (Path base : new Path[] {root, rooted.realRoot()}) {
            if (normal.startsWith(base)) {
                return "/" + base.relativize(normal).toString();
            }
        }
        return normal.toString();
    }

    public boolean exists(Path file) {
        Path target = confineQuietly(file);
        return target != null && Files.exists(target);
    }

    public boolean isDirectory(Path file) {
        Path target = confineQuietly(file);
        return target != null && Files.isDirectory(target);
    }

    public boolean isFile(Path file) {
        Path target = confineQuietly(file);
        return target != null && Files.isRegularFile(target);
    }

    /** Whether this process may write the file (access(2); nothing is written). */
    public boolean isWritable(Path file) {
        Path target = confineQuietly(file);
        return target != null && Files.isWritable(target);
    }

    /** The path resolved inside the root; null (and a debug line) for a link loop, which counts as absent. */
    private Path confineQuietly(Path file) {
        try {
            return rooted.confine(file);
        } catch (RootedPaths.LinkLoopException e) {
            LOG.debug("link loop path={} reason={}", display(file), e.getMessage());
            return null;
        }
    }

    /** The path resolved inside the root; null and a warning for a link loop. */
    private Path confineOrWarn(Path file, boolean parentOnly) {
        try {
            return parentOnly ? rooted.confineParent(file) : rooted.confine(file);
        } catch (RootedPaths.LinkLoopException e) {
            warnings.add(display(file), e.getMessage());
            return null;
        }
    }

    /** The file's text with surrounding whitespace trimmed, or null when absent or unreadable. */
    public String text(Path file) {
        byte[] bytes = bytes(file, ATTRIBUTE_BYTES);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8).trim();
    }

    /** A larger table such as /proc/cpuinfo, untrimmed; null when absent or unreadable. */
    public String table(Path file) {
        byte[] bytes = bytes(file, TABLE_BYTES);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** Raw bytes (device-tree properties hold NUL-separated strings); null when absent or unreadable. */
    public byte[] bytes(Path file, int maxBytes) {
        Path target = confineOrWarn(file, false);
        if (target == null) {
            return null;
        }
        if (Files.isDirectory(target)) {
            warnings.add(display(file), "is a directory, expected a file");
            return null;
        }
        try {
            return BoundedRead.read(target, maxBytes, readLimit);
        } catch (NoSuchFileException e) {
            LOG.debug("absent file={}", display(file));
            return null;
        } catch (AccessDeniedException e) {
            warnings.add(display(file), "permission denied");
            return null;
        } catch (IOException e) {
            if (isNoData(e)) {
                LOG.debug("no data file={} reason={}", display(file), e.getMessage());
                return null;
            }
            warnings.add(display(file), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return null;
        }
    }

    /** A whole number, or null when absent, unreadable or not a number (the last two warned). */
    public Long number(Path file) {
        String text = text(file);
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            warnings.add(display(file), "not a whole number: \"" + abbreviate(text) + "\"");
            return null;
        }
    }

    /** Entries of a directory, in natural order (thermal_zone2 before thermal_zone10); empty when absent. */
    public List<Path> list(Path dir) {
        List<Path> entries = new ArrayList<>();
        Path target = confineOrWarn(dir, false);
        if (target == null) {
            return entries;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(target)) {
            stream.forEach(entries::add);
        } catch (NoSuchFileException | NotDirectoryException e) {
            LOG.debug("absent directory={}", display(dir));
        } catch (IOException e) {
            warnings.add(display(dir), "cannot list: " + e.getMessage());
        }
        entries.sort((a, b) -> NaturalOrder.compare(a.getFileName().toString(), b.getFileName().toString()));
        return entries;
    }

    /** Entries whose names start with {@code prefix}. */
    public List<Path> list(Path dir, String prefix) {
        return list(dir).stream().filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }

    /** The last path element a symlink points at (driver links, device links), or null. */
    public String linkName(Path link) {
        String target = readLink(link);
        if (target == null) {
            return null;
        }
        Path name = Path.of(target).getFileName();
        return name == null ? null : name.toString();
    }

    /** Where a symlink points, as written in the link; null when {@code link} is not a symlink. */
    public String readLink(Path link) {
        Path self = confineOrWarn(link, true);
        if (self == null || !Files.isSymbolicLink(self)) {
            return null;
        }
        try {
            return Files.readSymbolicLink(self).toString();
        } catch (IOException e) {
            warnings.add(display(link), "cannot read link: " + e.getMessage());
            return null;
        }
    }

    /** The path with symlinks resolved (sysfs class links lead to /sys/devices/...), or null. */
    public Path real(Path file) {
        Path target = confineOrWarn(file, false);
        if (target == null) {
            return null;
        }
        try {
            return target.toRealPath();
        } catch (NoSuchFileException e) {
            LOG.debug("dangling or absent path={}", display(file));
            return null;
        } catch (IOException e) {
            warnings.add(display(file), "cannot resolve: " + e.getMessage());
            return null;
        }
    }

    /**
     * Whether a read failure means "no reading yet" (absent) rather than a broken file (a warning):
     * sysfs returns ENODATA/EINVAL/ENXIO for a sensor that exists but has no reading yet. The JDK gives
     * no errno, only strerror's text in the message.
     */
    static boolean isNoData(IOException e) {
        String message = e.getMessage();
        return message != null && (message.contains("No data available") || message.contains("Invalid argument")
                || message.contains("No such device"));
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
