package io.k3mcp.prompts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptCatalogTest {
    private final PromptCatalog catalog = PromptCatalog.load();

    @Test
    void bundledPromptsLoadWithTheirArguments() {
        assertEquals(List.of("board-health-report", "benchmark-comparison", "summarise-file"),
                catalog.prompts().stream().map(PromptTemplate::name).toList());
        PromptTemplate file = catalog.find("summarise-file").orElseThrow();
        assertEquals(List.of("path", "audience", "max_words"),
                file.arguments().stream().map(PromptArgument::name).toList());
        assertTrue(file.arguments().get(0).required());
    }

    @Test
    void renderFillsGivenValuesAndDefaults() {
        String text = catalog.find("summarise-file").orElseThrow().render(Map.of("path", "src/Main.java"));
        assertTrue(text.startsWith("Summarise the file src/Main.java for a developer new to this code, in at most 150 words."),
                text);
        assertTrue(!text.contains("{{"), text);
        String board = catalog.find("board-health-report").orElseThrow()
                .render(Map.of("focus", "thermal", "samples", "5"));
        assertTrue(board.contains("`samples` = 5") && board.contains("focus on: thermal"), board);
    }

    @Test
    void missingRequiredAndUnknownArgumentsAreNamed() {
        PromptTemplate comparison = catalog.find("benchmark-comparison").orElseThrow();
        PromptArgumentException missing = assertThrows(PromptArgumentException.class,
                () -> comparison.render(Map.of("baseline", "a.gguf")));
        assertEquals("candidate", missing.argument());
        PromptArgumentException blank = assertThrows(PromptArgumentException.class,
                () -> comparison.render(Map.of("baseline", " ", "candidate", "b.gguf")));
        assertEquals("baseline", blank.argument());
        PromptArgumentException unknown = assertThrows(PromptArgumentException.class,
                () -> comparison.render(Map.of("baseline", "a", "candidate", "b", "colour", "red")));
        assertEquals("colour", unknown.argument());
    }

    @Test
    void argumentsCompleteFromTheirSuggestions() {
        PromptArgument focus = catalog.find("board-health-report").orElseThrow().arguments().get(0);
        assertEquals(List.of("thermal"), focus.complete("TH"));
        assertEquals(5, focus.complete("").size());
        assertEquals(List.of(), catalog.find("summarise-file").orElseThrow().arguments().get(0).complete("src"));
    }

    @Test
    void brokenCatalogsFailAtLoadNamingTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PromptCatalog.load(PromptCatalog.BASE + "broken/unknown-placeholder.json"))
                .getMessage().contains("{{who}}"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> PromptCatalog.load(PromptCatalog.BASE + "broken/missing-template.json"))
                .getMessage().contains("broken/nope.txt"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> PromptCatalog.load(PromptCatalog.BASE + "broken/no-description.json"))
                .getMessage().contains("\"description\""));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> PromptCatalog.load(PromptCatalog.BASE + "broken/not-array.json"))
                .getMessage().contains("expected a JSON array"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> PromptCatalog.load(PromptCatalog.BASE + "broken/absent.json"))
                .getMessage().contains("missing resource"));
    }

    @Test
    void templateChecksArgumentsAgainstPlaceholders() {
        assertThrows(IllegalArgumentException.class, () -> new PromptTemplate("p", "P", "d",
                List.of(new PromptArgument("x", "d", false, null, null)), "{{x}}"));
        assertThrows(IllegalArgumentException.class, () -> new PromptTemplate("p", "P", "d",
                List.of(new PromptArgument("x", "d", true, null, null)), "no placeholder"));
        assertThrows(IllegalArgumentException.class, () -> new PromptTemplate("p", "P", "d",
                List.of(new PromptArgument("x", "d", true, null, null), new PromptArgument("x", "d", true, null, null)), "{{x}}"));
    }
}
