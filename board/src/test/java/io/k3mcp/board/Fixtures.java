package io.k3mcp.board;

import java.nio.file.Files;
import java.nio.file.Path;

/** The fixture trees, read in place (they hold symlinks, so they are not copied to target/). */
final class Fixtures {
    static final Path DIR = Path.of("src/test/resources/fixtures");

    private Fixtures() {
    }

    static Path tree(String name) {
        Path root = DIR.resolve(name);
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("fixture tree missing: " + root.toAbsolutePath());
        }
        return root;
    }

    static BoardStatus snapshot(String name) {
        return new BoardProbe(tree(name)).snapshot();
    }
}
