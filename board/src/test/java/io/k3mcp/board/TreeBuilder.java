package io.k3mcp.board;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds small sysfs/procfs trees in a temporary directory (in the manner of node_exporter's hwmon test). */
final class TreeBuilder {
    private final Path root;

    TreeBuilder(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    TreeBuilder file(String path, String content) {
        try {
            Path file = root.resolve(path.substring(1));
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TreeBuilder bytes(String path, byte[] content) {
        try {
            Path file = root.resolve(path.substring(1));
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TreeBuilder dir(String path) {
        try {
            Files.createDirectories(root.resolve(path.substring(1)));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TreeBuilder link(String path, String target) {
        try {
            Path link = root.resolve(path.substring(1));
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of(target));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Unix domain socket file: open(2) on it fails with ENXIO ("No such device or address"), the
     * error a sysfs attribute gives when its device has nothing to report yet.
     */
    TreeBuilder socket(String path) {
        Path file = root.resolve(path.substring(1));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            Files.createDirectories(file.getParent());
            server.bind(UnixDomainSocketAddress.of(file)); // closing leaves the socket file in place
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A named pipe with no writer: opening it for reading blocks, like a hung driver. */
    TreeBuilder fifo(String path) throws IOException, InterruptedException {
        Path fifo = root.resolve(path.substring(1));
        Files.createDirectories(fifo.getParent());
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        if (mkfifo.waitFor() != 0) {
            throw new IOException("mkfifo failed for " + fifo);
        }
        return this;
    }
}
