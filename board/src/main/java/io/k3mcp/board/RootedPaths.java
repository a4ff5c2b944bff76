package io.k3mcp.board;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves symlinks as if {@code root} were "/": a link to an absolute path (the kernel's
 * /proc/device-tree -> /sys/firmware/devicetree/base) lands below the root, never on the host.
 */
final class RootedPaths {
    private static final Logger LOG = LoggerFactory.getLogger(RootedPaths.class);
    /** Same bound as the kernel's MAXSYMLINKS. */
    private static final int MAX_LINKS = 40;

    private final Path root;
    private final Path realRoot;
    private final boolean hostRoot;

    RootedPaths(Path root) {
        this.root = root;
        Path real = root;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            LOG.debug("root cannot be resolved root={} reason={}", root, e.getMessage());
        }
        this.realRoot = real;
        this.hostRoot = real.getParent() == null;
    }

    /** More than {@value #MAX_LINKS} links on one path: a loop (ELOOP in the kernel). */
    static final class LinkLoopException extends RuntimeException {
        LinkLoopException(Path at) {
            super("too many levels of symbolic links at " + at.getFileName());
        }
    }

    Path realRoot() {
        return realRoot;
    }

    /**
     * {@code file} with every symlink resolved inside the root; the path unchanged when the root is
     * "/" (the kernel already resolves that way) or nothing below the root redirects it.
     *
     * @throws LinkLoopException when the links form a loop
     */
    Path confine(Path file) {
        if (hostRoot) {
            return file;
        }
        try {
            Path real = file.toRealPath();
            if (real.startsWith(realRoot)) {
                return real;
            }
        } catch (IOException e) {
            LOG.trace("falling back to rooted resolution path={} reason={}", file, e.getMessage());
        }
        return resolve(file);
    }

    private Path resolve(Path file) {
        Path relative = relativeToRoot(file);
        if (relative == null) {
            return file;
        }
        Path current = realRoot;
        java.util.ArrayDeque<String> pending = new java.util.ArrayDeque<>();
        relative.forEach(part -> pending.add(part.toString()));
        int links = 0;
        while (!pending.isEmpty()) {
            String part = pending.removeFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.equals(realRoot) ? realRoot : current.getParent();
                continue;
            }
            Path next = current.resolve(part);
            if (!Files.isSymbolicLink(next)) {
                current = next;
                continue;
            }
            if (++links > MAX_LINKS) {
                throw new LinkLoopException(next);
            }
            Path target;
            try {
                target = Files.readSymbolicLink(next);
            } catch (IOException e) {
                LOG.debug("unreadable link path={} reason={}", next, e.getMessage());
                return next;
            }
            java.util.ArrayDeque<String> expanded = new java.util.ArrayDeque<>();
            target.forEach(p -> expanded.add(p.toString()));
            if (target.isAbsolute()) {
                current = realRoot;
            }
            while (!expanded.isEmpty()) {
                pending.addFirst(expanded.removeLast());
            }
        }
        return current;
    }

    /** The part of {@code file} below the root, or null when it is not below it. */
    private Path relativeToRoot(Path file) {
        Path normal = file.toAbsolutePath().normalize();
        if (normal.startsWith(realRoot)) {
            return realRoot.relativize(normal);
        }
        if (normal.startsWith(root)) {
            return root.relativize(normal);
        }
        return null;
    }

    /** The link itself (not its target) with its directory resolved inside the root. */
    Path confineParent(Path file) {
        Path parent = file.getParent();
        return parent == null || hostRoot ? file : confine(parent).resolve(file.getFileName());
    }
}
