package io.k3mcp.engine.embed;

import io.k3mcp.engine.testing.Shared;

import java.nio.file.Path;

/** The goldens on the maintainers' F16 GGUF (../shared/models). */
class SharedMiniLmTest extends MiniLmGoldenChecks {
    @Override
    Path modelPath() {
        return Shared.model("all-minilm-l6-v2-f16.gguf");
    }
}
