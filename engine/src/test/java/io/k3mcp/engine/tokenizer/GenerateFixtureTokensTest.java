package io.k3mcp.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.engine.testing.Shared;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The golden generation runs tokenized their prompts with llama_tokenize(add_special, no special
 * parsing) and detokenized the generated ids: both must match for every generate-*.json, and the
 * streamed text must add up to the same text.
 */
class GenerateFixtureTokensTest {

    @TestFactory
    Stream<DynamicTest> promptIdsAndGeneratedText() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(Shared.root().resolve("fixtures"))) {
            files = list.filter(p -> p.getFileName().toString().matches("generate-.*\\.json")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path file : files) {
            JsonNode golden = new ObjectMapper().readTree(file.toFile());
            tests.add(dynamicTest(file.getFileName().toString(), () -> {
                Tokenizer t = RealTokenizers.of(golden.get("model").get("file").asText());
                for (JsonNode p : golden.get("prompts")) {
                    String prompt = p.get("prompt").asText();
                    assertArrayEquals(TokenizerFixtureTest.ints(p.get("prompt_ids")), t.encode(prompt, true, false), prompt);
                    int[] generated = TokenizerFixtureTest.ints(p.get("generated_ids"));
                    assertEquals(p.get("text_hex").asText(), HexFormat.of().formatHex(t.decodeBytes(generated)), prompt);
                    assertEquals(new String(HexFormat.of().parseHex(p.get("text_hex").asText()), StandardCharsets.UTF_8),
                            streamed(t, generated), prompt);
                }
            }));
        }
        return tests.stream();
    }

    private static String streamed(Tokenizer t, int[] ids) {
        StreamingDetokenizer s = t.streamingDetokenizer();
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            b.append(s.accept(id));
        }
        return b.append(s.flush()).toString();
    }

    @Test
    void storiesPromptIsBosOnly() throws IOException {
        JsonNode golden = new ObjectMapper().readTree(Shared.fixture("stories260K.json").toFile());
        Tokenizer t = Tokenizers.fromFile(Shared.model(golden.get("model").get("file").asText()));
        assertEquals(golden.get("model").get("n_vocab").asInt(), t.vocabSize());
        assertArrayEquals(TokenizerFixtureTest.ints(golden.get("prompt_ids")), t.encode("", true, false));
    }
}
