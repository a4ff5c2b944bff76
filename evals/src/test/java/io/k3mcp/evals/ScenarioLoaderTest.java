package io.k3mcp.evals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioLoaderTest {
    @TempDir
    Path tmp;

    private String error(String json) throws IOException {
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, json);
        return assertThrows(ScenarioException.class, () -> ScenarioLoader.loadFile(f)).getMessage();
    }

    @Test
    void malformedScenariosNameFileStepAndField() throws IOException {
        assertTrue(error("{").contains("bad.json: not valid JSON"));
        assertEquals("bad.json: 'name' is required", error("{\"steps\": []}"));
        assertEquals("bad.json: 'steps' must be a non-empty array", error("{\"name\": \"n\", \"steps\": []}"));
        assertTrue(error("{\"name\": \"n\", \"stepz\": [1]}").contains("unknown field 'stepz'"));
        assertEquals("bad.json: step 1 ('a'): needs exactly one of 'tool', 'list' or 'read'",
                error("{\"name\": \"n\", \"steps\": [{\"name\": \"a\"}]}"));
        assertTrue(error("{\"name\": \"n\", \"steps\": [{\"name\": \"a\", \"tool\": \"t\", \"expct\": []}]}")
                .contains("step 1 ('a'): unknown field 'expct'"));
        assertTrue(error("{\"name\": \"n\", \"steps\": [{\"name\": \"a\", \"tool\": \"t\", \"timeout_ms\": -1}]}")
                .contains("'timeout_ms' must be an integer"));
        assertTrue(error("{\"name\": \"n\", \"steps\": [{\"name\": \"a\", \"tool\": \"t\", \"expect\": [{\"path\": \"$\", \"cosine\": 3}]}]}")
                .contains("expect[0]: 'cosine' must be"));
    }

    @Test
    void builtInSuiteParses() throws IOException {
        Path suite = Path.of(System.getProperty("user.dir")).resolve("scenarios");
        List<Scenario> all = ScenarioLoader.load(List.of(suite));
        assertTrue(all.size() >= 1, "scenarios in " + suite);
    }

    @Test
    void missingPathIsAClearError() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ScenarioLoader.load(List.of(tmp.resolve("none"))));
    }
}
