package io.k3mcp.engine.embed;

import java.io.IOException;
import java.nio.file.Path;

/** The goldens on the GGUF that k3mcp's own importer made at build time (the bundled default model). */
class BundledMiniLmTest extends MiniLmGoldenChecks {
    @Override
    Path modelPath() throws IOException {
        return BundledModel.path();
    }
}
