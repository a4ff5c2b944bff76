package io.k3mcp.engine.embed;

import io.k3mcp.engine.embed.onnx.ModelJar;
import io.k3mcp.engine.embed.onnx.OnnxBertImporter;
import io.k3mcp.kernels.ReferenceKernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The goldens on an F32 GGUF imported by k3mcp from the ONNX jar (the other precision the importer writes). */
class F32ImportedMiniLmTest extends MiniLmGoldenChecks {
    private Path dir;

    @Override
    Path modelPath() throws IOException {
        dir = Files.createTempDirectory("k3mcp-f32");
        Path out = dir.resolve("all-minilm-l6-v2-f32.gguf");
        ModelJar.convert(Path.of(System.getProperty("k3mcp.minilm.jar")),
                new OnnxBertImporter.ModelInfo("all-MiniLM-L6-v2", "apache-2.0", "test"),
                OnnxBertImporter.Precision.F32, out, ReferenceKernels.INSTANCE);
        out.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return out;
    }
}
