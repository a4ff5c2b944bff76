package io.k3mcp.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k3mcp.tools.ModelResolver;
import io.k3mcp.tools.ToolInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --model of the CLI: a file as ever, or a name from the default models directory ($XDG_DATA_HOME/k3mcp/models). */
class CliModelsTest {

    @Test
    void namesComeFromTheDefaultModelsDirectoryAndFilesStayFiles(@TempDir Path xdg) throws Exception {
        Path dir = Files.createDirectories(xdg.resolve("k3mcp/models"));
        Path model = CliCapture.sharedModel("qwen3-mini-q8_0.gguf").toAbsolutePath();
        Files.createSymbolicLink(dir.resolve("Qwen3-Mini-Q8_0.gguf"), model);
        ModelResolver r = CliModels.resolver(Map.of("XDG_DATA_HOME", xdg.toString()));
        assertEquals(dir.resolve("Qwen3-Mini-Q8_0.gguf"), r.resolve("model", "qwen3-mini-q8_0"));
        assertEquals(model, r.resolve("model", model.toString()), "the CLI is the user's own process: any file");
        ToolInputException e = assertThrows(ToolInputException.class, () -> r.resolve("model", "qwen9"));
        assertTrue(e.getMessage().contains("unknown model \"qwen9\"; available: qwen3-mini-q8_0"), e.getMessage());
    }

    @Test
    void withoutAUsableDirectoryModelsArePathsOnly(@TempDir Path xdg) throws Exception {
        assertSame(ModelResolver.PATHS, CliModels.resolver(Map.of("XDG_DATA_HOME", xdg.toString())));
        Path dir = Files.createDirectories(xdg.resolve("k3mcp/models"));
        Files.writeString(dir.resolve("models.json"), "{\"aliases\": {\"x\": \"missing\"}}");
        assertSame(ModelResolver.PATHS, CliModels.resolver(Map.of("XDG_DATA_HOME", xdg.toString())));
    }

    @Test
    void generateByAMissingNameIsAUsageErrorListingNames() {
        CliCapture.Result r = CliCapture.run("generate", "--model", "no-such-model-anywhere", "--prompt", "hi");
        assertEquals(2, r.status(), r.stderr());
        assertTrue(r.stderr().contains("--model: "), r.stderr());
    }
}
