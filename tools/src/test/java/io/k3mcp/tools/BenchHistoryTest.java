package io.k3mcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchHistoryTest {
    record Row(String modelFilename, double avgTs) {
    }

    @Test
    void absentFileIsAnEmptyHistory(@TempDir Path dir) throws Exception {
        assertEquals(0, BenchHistory.inDataDir(dir.resolve("never-created")).read().size());
    }

    @Test
    void appendsAndReadsBackInSnakeCaseSkippingTornLines(@TempDir Path dir) throws Exception {
        BenchHistory history = BenchHistory.inDataDir(dir.resolve("k3mcp"));
        history.append(new Row("a.gguf", 12.5));
        Files.writeString(history.file(), "{\"torn\": \n[1,2]\n", java.nio.file.StandardOpenOption.APPEND);
        history.append(new Row("b.gguf", 7.0));
        var rows = history.read();
        assertEquals(2, rows.size());
        assertEquals("a.gguf", rows.get(0).get("model_filename").asText());
        assertEquals(7.0, rows.get(1).get("avg_ts").asDouble());
    }

    @Test
    void dataDirFollowsXdg() {
        assertEquals(Path.of("/x/data/k3mcp"), BenchHistory.defaultDataDir(Map.of("XDG_DATA_HOME", "/x/data")));
        assertEquals(Path.of(System.getProperty("user.home"), ".local/share/k3mcp"),
                BenchHistory.defaultDataDir(Map.of("XDG_DATA_HOME", "relative")));
        assertEquals(Path.of(System.getProperty("user.home"), ".local/share/k3mcp"), BenchHistory.defaultDataDir(Map.of()));
    }
}
