package io.k3mcp.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared (models and golden fixtures), read in place. */
public final class Shared {
    private Shared() {
    }

    public static Path root() {
        String p = System.getProperty("k3mcp.shared");
        Path root = p != null ? Path.of(p) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(root.resolve("models"))) {
            throw new IllegalStateException("shared oracles not found at " + root.toAbsolutePath()
                    + " (set -Dk3mcp.shared=DIR)");
        }
        return root;
    }

    public static Path model(String file) {
        return root().resolve("models").resolve(file);
    }

    public static Path fixture(String file) {
        return root().resolve("fixtures").resolve(file);
    }
}
