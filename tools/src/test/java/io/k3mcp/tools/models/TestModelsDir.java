package io.k3mcp.tools.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A models directory for tests: links to the shared models (read in place), a corrupt GGUF and a stray file. */
public final class TestModelsDir {
    private TestModelsDir() {
    }

    public static Path shared(String file) {
        return Path.of(System.getProperty("k3mcp.shared", "../../shared")).resolve("models").resolve(file).toAbsolutePath();
    }

    /**
     * {@code root/models} with Llama-Mini-Q4_K_M.gguf and qwen/qwen3-mini-q8_0.gguf (links), broken.gguf
     * (not a GGUF) and notes.txt.
     */
    public static Path create(Path root) throws IOException {
        Path dir = Files.createDirectories(root.resolve("models"));
        Files.createSymbolicLink(dir.resolve("Llama-Mini-Q4_K_M.gguf"), shared("llama-mini-q4_k_m.gguf"));
        Files.createDirectories(dir.resolve("qwen"));
        Files.createSymbolicLink(dir.resolve("qwen/qwen3-mini-q8_0.gguf"), shared("qwen3-mini-q8_0.gguf"));
        Files.write(dir.resolve("broken.gguf"), new byte[] {'G', 'G', 'U', 'F', 9, 9, 9});
        Files.writeString(dir.resolve("notes.txt"), "not a model");
        return dir;
    }
}
