package io.k3mcp.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.engine.testing.Shared;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Every string of fixtures/tokenizer.json (llama.cpp's llref tokenize) for the four generation
 * tokenizers, with and without special-token parsing and without BOS: ids, the exact bytes of every
 * piece, and the detokenized text must equal llama.cpp's.
 */
class TokenizerFixtureTest {
    private static final List<String> MODELS = List.of("llama-2-tiny-random", "llama-mini", "llama3-vocab", "qwen3-mini");
    private static final Map<String, Tokenizer> LOADED = new HashMap<>();

    private static JsonNode fixture() throws IOException {
        return new ObjectMapper().readTree(Shared.fixture("tokenizer.json").toFile());
    }

    private static synchronized Tokenizer tokenizer(String model, JsonNode m) throws IOException {
        Tokenizer t = LOADED.get(model);
        if (t == null) {
            t = Tokenizers.fromFile(Shared.model(m.get("file").asText()));
            LOADED.put(model, t);
        }
        return t;
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureString() throws IOException {
        JsonNode models = fixture().get("models");
        List<DynamicTest> tests = new ArrayList<>();
        for (String model : MODELS) {
            JsonNode m = models.get(model);
            tests.add(dynamicTest(model + " flags", () -> {
                Tokenizer t = tokenizer(model, m);
                assertEquals(m.get("n_vocab").asInt(), t.vocabSize());
                assertEquals(m.get("vocab_add_bos").asBoolean(), t.addBos());
                assertEquals(m.get("vocab_add_eos").asBoolean(), t.addEos());
            }));
            for (String mode : List.of("default", "parse_special")) {
                JsonNode run = m.get(mode);
                boolean addSpecial = run.get("add_special").asBoolean();
                boolean parseSpecial = run.get("parse_special").asBoolean();
                int i = 0;
                for (JsonNode r : run.get("results")) {
                    String text = r.get("text").asText();
                    tests.add(dynamicTest(model + " " + mode + " #" + i++ + " " + printable(text),
                            () -> checkResult(tokenizer(model, m), r, addSpecial, parseSpecial)));
                }
            }
            for (JsonNode r : m.get("no_add_special_examples")) {
                String text = r.get("text").asText();
                tests.add(dynamicTest(model + " no_add_special " + printable(text), () ->
                        assertArrayEquals(ints(r.get("ids")), tokenizer(model, m).encode(text, false, false))));
            }
        }
        return tests.stream();
    }

    private static void checkResult(Tokenizer t, JsonNode r, boolean addSpecial, boolean parseSpecial) {
        String text = r.get("text").asText();
        int[] expected = ints(r.get("ids"));
        int[] ids = t.encode(text, addSpecial, parseSpecial);
        assertArrayEquals(expected, ids, "ids of " + printable(text));
        JsonNode hex = r.get("pieces_hex");
        JsonNode vocabText = r.get("vocab_text");
        for (int k = 0; k < ids.length; k++) {
            assertEquals(hex.get(k).asText(), HexFormat.of().formatHex(t.pieceBytes(ids[k])), "piece of id " + ids[k]);
            assertEquals(vocabText.get(k).asText(), t.tokenText(ids[k]), "vocab text of id " + ids[k]);
        }
        assertEquals(r.get("detokenized").asText(), t.decode(ids), "detokenized " + printable(text));
    }

    static int[] ints(JsonNode array) {
        int[] a = new int[array.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = array.get(i).asInt();
        }
        return a;
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(40).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F) {
                b.append(String.format("\\x%02x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return "'" + b + "'";
    }
}
