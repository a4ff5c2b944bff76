package io.k3mcp.engine.embed;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The all-MiniLM-L6-v2 GGUF that the build converts from the ONNX model jar into the engine's resources. GGUF
 * files are memory-mapped, so when the resource sits inside a jar it is copied once into the cache directory
 * ({@code $XDG_CACHE_HOME/k3mcp} or {@code ~/.cache/k3mcp}), named by its SHA-256 so builds never collide.
 */
public final class BundledModel {
    private static final Logger LOG = LoggerFactory.getLogger(BundledModel.class);
    public static final String FILE = "all-minilm-l6-v2-f16.gguf";
    private static final String RESOURCE = "bundled/" + FILE;

    private BundledModel() {
    }

    /** A path to the bundled model, extracting it to the cache on first use. */
    public static Path path() throws IOException {
        URL url = BundledModel.class.getResource(RESOURCE);
        if (url == null) {
            throw new IOException("this build has no bundled embedding model (resource " + RESOURCE
                    + " missing); pass a model file explicitly");
        }
        if (url.getProtocol().equals("file")) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("bad resource URL " + url, e);
            }
        }
        return extract(url, sha256(), cacheDir());
    }

    /** Copies {@code resource} to {@code cache/models/<name>-<sha prefix>.gguf} unless it is already there. */
    static Path extract(URL resource, String sha, Path cache) throws IOException {
        Path cached = cache.resolve("models").resolve(FILE.replace(".gguf", "-" + sha.substring(0, 16) + ".gguf"));
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        Files.createDirectories(cached.getParent());
        Path tmp = Files.createTempFile(cached.getParent(), FILE, ".part");
        try (InputStream in = resource.openStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        LOG.info("bundled model extracted path={} sha256={}", cached, sha);
        return cached;
    }

    private static String sha256() throws IOException {
        try (InputStream in = BundledModel.class.getResourceAsStream(RESOURCE + ".sha256")) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE + ".sha256 is missing from this build");
            }
            String sha = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!sha.matches("[0-9a-f]{64}")) {
                throw new IOException("resource " + RESOURCE + ".sha256 does not hold a SHA-256: '" + sha + "'");
            }
            return sha;
        }
    }

    /** {@code $XDG_CACHE_HOME/k3mcp}, else {@code ~/.cache/k3mcp}. */
    static Path cacheDir() {
        return cacheDir(System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home"));
    }

    static Path cacheDir(String xdg, String home) {
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "k3mcp");
        }
        return Path.of(home, ".cache", "k3mcp");
    }
}
