package io.k3mcp.tools.bench;

import io.k3mcp.engine.synthetic.SyntheticModelWriter;
import io.k3mcp.engine.synthetic.SyntheticPlan;
import io.k3mcp.engine.synthetic.SyntheticShape;
import io.k3mcp.engine.synthetic.SyntheticType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A tiny synthetic llama (n_embd 64, 2 layers) written once per test JVM: fast on the reference kernels. */
final class TinyModel {
    static final SyntheticShape SHAPE = new SyntheticShape("bench-tiny", "llama", 256, 2, 4, 2, 64, 256, 320,
            1024, 10000f, 1e-5f, false, false, "llama", null);
    private static Path path;

    private TinyModel() {
    }

    static synchronized Path q8() throws IOException {
        if (path == null) {
            Path dir = Files.createTempDirectory("k3mcp-bench-test");
            path = dir.resolve("bench-tiny-q8_0.gguf");
            SyntheticModelWriter.write(SyntheticPlan.of(SHAPE, SyntheticType.Q8_0), path);
            dir.toFile().deleteOnExit();
            path.toFile().deleteOnExit();
        }
        return path;
    }
}
