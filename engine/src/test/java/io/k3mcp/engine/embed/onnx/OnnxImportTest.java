package io.k3mcp.engine.embed.onnx;

import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** k3mcp's ONNX importer on the Maven Central jar reproduces the maintainers' converted GGUF byte for byte. */
class OnnxImportTest {

    static Path minilmJar() {
        String p = System.getProperty("k3mcp.minilm.jar");
        if (p == null) {
            throw new IllegalStateException("system property k3mcp.minilm.jar is not set (surefire sets it from engine/pom.xml)");
        }
        return Path.of(p);
    }

    @Test
    void f16ImportIsByteIdenticalToTheSharedFile(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("minilm-f16.gguf");
        ModelJar.convert(minilmJar(), ImportMain.MINILM, OnnxBertImporter.Precision.F16, out, ReferenceKernels.INSTANCE);
        Path shared = Shared.model("all-minilm-l6-v2-f16.gguf");
        assertEquals(-1L, Files.mismatch(out, shared), "first differing byte against " + shared);
        assertEquals("c7290a741fc0ccb9ced72f935863d3f9e92b3b78bbe30db61ee0404bff72f474", ImportMain.sha256(out),
                "sha256 listed in MODELS.md");
    }
}
