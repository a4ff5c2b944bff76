package io.k3mcp.tools.models;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.tools.ToolInputException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Models directories: names, aliases, header descriptions, unusable files and the path rules per transport. */
class ModelCatalogTest {

    private static Path shared(String file) {
        return TestModelsDir.shared(file);
    }

    private static Path modelsDir(Path root) throws Exception {
        return TestModelsDir.create(root);
    }

    private static ModelEntry entry(ModelCatalog c, String name) {
        return c.entries().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyGgufIsNamedByItsLowerCaseStemAndDescribedFromItsHeader(@TempDir Path root) throws Exception {
        Path dir = modelsDir(root);
        ModelCatalog c = ModelCatalog.open(List.of(dir), true);
        assertEquals(List.of("broken", "llama-mini-q4_k_m", "qwen3-mini-q8_0"),
                c.entries().stream().map(ModelEntry::name).sorted().toList());
        ModelEntry llama = entry(c, "llama-mini-q4_k_m");
        assertEquals("llama", llama.architecture());
        assertEquals("Q4_K - Medium", llama.quantization());
        assertEquals(Files.size(shared("llama-mini-q4_k_m.gguf")), llama.sizeBytes());
        try (GgufFile f = GgufFile.open(shared("llama-mini-q4_k_m.gguf"))) {
            assertEquals(f.metadata().getLong("llama.context_length"), llama.contextLength());
        }
        assertEquals("Q8_0", entry(c, "qwen3-mini-q8_0").quantization());
        assertEquals("qwen3", entry(c, "qwen3-mini-q8_0").architecture());
        assertEquals(dir.resolve("qwen/qwen3-mini-q8_0.gguf"), c.resolve("model", "Qwen3-Mini-Q8_0"));
        assertTrue(c.describe().contains("llama-mini-q4_k_m (llama, Q4_K - Medium"), c.describe());
        assertFalse(c.describe().contains("broken"), c.describe());
    }

    @Test
    void aCorruptGgufIsListedUnusableWithItsErrorAndTheOthersStillResolve(@TempDir Path root) throws Exception {
        ModelCatalog c = ModelCatalog.open(List.of(modelsDir(root)), true);
        ModelEntry broken = entry(c, "broken");
        assertFalse(broken.usable());
        assertNull(broken.architecture());
        ToolInputException e = assertThrows(ToolInputException.class, () -> c.resolve("model", "broken"));
        assertTrue(e.getMessage().contains("is unusable: " + broken.error()), e.getMessage());
        Map<String, Object> row = c.available(p -> false).stream().filter(r -> r.get("name").equals("broken"))
                .findFirst().orElseThrow();
        assertEquals(false, row.get("usable"));
        assertEquals(broken.error(), row.get("error"));
        assertTrue(Files.isRegularFile(c.resolve("model", "llama-mini-q4_k_m")));
    }

    @Test
    void unknownNamesListTheAvailableOnes(@TempDir Path root) throws Exception {
        ModelCatalog c = ModelCatalog.open(List.of(modelsDir(root)), true);
        ToolInputException e = assertThrows(ToolInputException.class, () -> c.resolve("model", "gpt-5"));
        assertEquals("model", e.argument());
        assertTrue(e.getMessage().contains("unknown model \"gpt-5\"; available: llama-mini-q4_k_m, qwen3-mini-q8_0"),
                e.getMessage());
    }

    @Test
    void aliasesFromModelsJsonResolveAndAreListed(@TempDir Path root) throws Exception {
        Path dir = modelsDir(root);
        Files.writeString(dir.resolve("models.json"), "{\"aliases\": {\"small\": \"llama-mini-q4_k_m\", \"chat\": \"qwen3-mini-q8_0\"}}");
        ModelCatalog c = ModelCatalog.open(List.of(dir), true);
        assertEquals(dir.resolve("Llama-Mini-Q4_K_M.gguf"), c.resolve("model", "small"));
        assertEquals(List.of("chat"), entry(c, "qwen3-mini-q8_0").aliases());
        assertTrue(c.availableNames().contains("small"), c.availableNames());
    }

    @Test
    void aWrongModelsJsonIsAStartUpErrorNamingTheFileAndEntry(@TempDir Path root) throws Exception {
        Path dir = modelsDir(root);
        Path json = dir.resolve("models.json");
        Map<String, String> cases = Map.of(
                "{\"aliases\": {\"small\": \"no-such-model\"}}", "alias \"small\": no model named \"no-such-model\"",
                "{\"aliases\": {\"Big Model\": \"broken\"}}", "alias \"Big Model\": names are lower-case",
                "{\"aliases\": {\"small\": 3}}", "alias \"small\": the target must be a model name string",
                "{\"aliases\": {\"broken\": \"llama-mini-q4_k_m\"}}", "alias \"broken\": already the name of a model file",
                "{\"alias\": {}}", "unknown key \"alias\"",
                "[1]", "expected a JSON object",
                "{\"aliases\": ", "is not readable JSON");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(json, c.getKey());
            ModelsDirException e = assertThrows(ModelsDirException.class, () -> ModelCatalog.open(List.of(dir), true));
            assertFalse(e.badDirectory());
            assertTrue(e.getMessage().startsWith(json + ": ") && e.getMessage().contains(c.getValue()),
                    c.getKey() + " -> " + e.getMessage());
        }
    }

    @Test
    void aMissingOrUnreadableDirectoryIsAnErrorNamingIt(@TempDir Path root) throws Exception {
        Path missing = root.resolve("nowhere");
        ModelsDirException e = assertThrows(ModelsDirException.class, () -> ModelCatalog.open(List.of(missing), true));
        assertTrue(e.badDirectory());
        assertEquals("models directory " + missing + " does not exist", e.getMessage());
        Path file = Files.writeString(root.resolve("file"), "x");
        assertTrue(assertThrows(ModelsDirException.class, () -> ModelCatalog.open(List.of(file), true))
                .getMessage().endsWith(" is not a directory"));
        Path locked = Files.createDirectories(root.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Assumptions.assumeFalse(Files.isReadable(locked), "running as root: permissions are not enforced");
        assertEquals("models directory " + locked + " is not readable",
                assertThrows(ModelsDirException.class, () -> ModelCatalog.open(List.of(locked), true)).getMessage());
    }

    @Test
    void theFirstDirectoryWinsANameAndTheLaterFileIsUnusable(@TempDir Path root) throws Exception {
        Path first = modelsDir(root);
        Path second = Files.createDirectories(root.resolve("second"));
        Files.createSymbolicLink(second.resolve("llama-mini-q4_k_m.gguf"), shared("llama-mini-q4_0.gguf"));
        ModelCatalog c = ModelCatalog.open(List.of(first, second), true);
        assertEquals(first.resolve("Llama-Mini-Q4_K_M.gguf"), c.resolve("model", "llama-mini-q4_k_m"));
        ModelEntry shadowed = c.entries().stream().filter(e -> e.path().startsWith(second)).findFirst().orElseThrow();
        assertTrue(shadowed.error().contains("already taken by " + first.resolve("Llama-Mini-Q4_K_M.gguf")));
    }

    @Test
    void aModelAddedLaterIsFoundByName(@TempDir Path root) throws Exception {
        Path dir = modelsDir(root);
        ModelCatalog c = ModelCatalog.open(List.of(dir), false, java.time.Duration.ZERO);
        Files.createSymbolicLink(dir.resolve("gemma3-mini-q8_0.gguf"), shared("gemma3-mini-q8_0.gguf"));
        assertEquals(dir.resolve("gemma3-mini-q8_0.gguf"), c.resolve("model", "gemma3-mini-q8_0"));
    }

    @Test
    void unknownNamesRescanAtMostOncePerInterval(@TempDir Path root) throws Exception {
        Path dir = modelsDir(root);
        ModelCatalog c = ModelCatalog.open(List.of(dir), false, java.time.Duration.ofHours(1));
        Files.createSymbolicLink(dir.resolve("gemma3-mini-q8_0.gguf"), shared("gemma3-mini-q8_0.gguf"));
        assertThrows(ToolInputException.class, () -> c.resolve("model", "gemma3-mini-q8_0"));
        c.rescan();
        assertEquals(dir.resolve("gemma3-mini-q8_0.gguf"), c.resolve("model", "gemma3-mini-q8_0"));
    }

    @Test
    void overHttpOnlyPathsBelowAModelsDirectoryAreAccepted(@TempDir Path root) throws Exception {
        Path dir = modelsDir(root);
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.write(outside.resolve("secret.gguf"), new byte[] {1});
        ModelCatalog http = ModelCatalog.open(List.of(dir), false);
        // A listed model reached through its symlink, by absolute and by dotted path.
        assertEquals(dir.resolve("Llama-Mini-Q4_K_M.gguf"), http.resolve("model", dir + "/Llama-Mini-Q4_K_M.gguf"));
        assertEquals(dir.resolve("qwen/qwen3-mini-q8_0.gguf"), http.resolve("model", dir + "/qwen/../qwen/qwen3-mini-q8_0.gguf"));
        for (String escape : List.of(outside + "/secret.gguf", dir + "/../outside/secret.gguf",
                shared("llama-mini-q4_0.gguf").toString(), "/etc/passwd", dir + "/../outside/absent.gguf",
                shared("llama-mini-q4_k_m.gguf").toString(), dir + "/../../../../../.." + shared("llama-mini-q4_k_m.gguf"))) {
            ToolInputException e = assertThrows(ToolInputException.class, () -> http.resolve("model", escape), escape);
            assertTrue(e.getMessage().contains("is a path outside the models directories"), e.getMessage());
        }
        Files.createSymbolicLink(dir.resolve("escape.gguf"), outside.resolve("secret.gguf"));
        Files.createSymbolicLink(dir.resolve("outside-dir"), outside);
        http.rescan();
        // A link the operator placed is a listed model; its target directory is no loophole for other files.
        assertEquals(dir.resolve("escape.gguf"), http.resolve("model", dir + "/escape.gguf"));
        Files.write(outside.resolve("other.bin"), new byte[] {1});
        assertTrue(assertThrows(ToolInputException.class, () -> http.resolve("model", dir + "/outside-dir/other.bin"))
                .getMessage().contains("is a path outside the models directories"));
        assertTrue(assertThrows(ToolInputException.class, () -> http.resolve("model", dir + "/absent.gguf"))
                .getMessage().contains("model file not found"));
        Files.createSymbolicLink(dir.resolve("loop-a.gguf"), dir.resolve("loop-b.gguf"));
        Files.createSymbolicLink(dir.resolve("loop-b.gguf"), dir.resolve("loop-a.gguf"));
        String loop = assertThrows(ToolInputException.class, () -> http.resolve("model", dir + "/loop-a.gguf")).getMessage();
        assertTrue(loop.startsWith("model: cannot resolve " + dir + "/loop-a.gguf: java.nio.file.FileSystemException"), loop);
    }

    @Test
    void overStdioAnyPathIsAccepted(@TempDir Path root) throws Exception {
        ModelCatalog stdio = ModelCatalog.open(List.of(modelsDir(root)), true);
        Path outside = shared("llama-mini-q4_0.gguf");
        assertEquals(outside, stdio.resolve("model", outside.toString()));
    }
}
