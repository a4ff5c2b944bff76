package io.k3mcp.engine.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random sampling under the mask always yields JSON that an independent validator (networknt)
 * accepts, within the token budget, for many seeds and schemas.
 */
class JsonConstraintTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    /** A byte-level vocabulary plus multi-byte tokens of the kind real vocabularies have. */
    static byte[][] vocab() {
        List<byte[]> v = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            v.add(new byte[] {(byte) b});
        }
        for (String s : List.of("\"", "\":", "\": \"", "{\"", "\"}", "\",\"", "true", "false", "null", "name", "age",
                "items", " ", "  ", "\n", "12", "3.5", "e+", "ab", "cd", "x\"", "é", "é\"", "\\u00", "\\n", "]}", "[\"", "\"]",
                ",", ", ", "tags", "Hello world", "\"ok\": true", "}}", "{}", "[]", "-1")) {
            v.add(s.getBytes(StandardCharsets.UTF_8));
        }
        v.add(null); // a special token: never allowed
        return v.toArray(new byte[0][]);
    }

    private static String generate(String schemaJson, long seed, int maxTokens) throws Exception {
        byte[][] vocab = vocab();
        int eos = vocab.length - 1;
        JsonConstraint c = new JsonConstraint(Schema.compile(M.readTree(schemaJson)), vocab, eos);
        Random rnd = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int left = maxTokens; left > 0; left--) {
            BitSet allowed = c.mask(left);
            assertTrue(!allowed.isEmpty(), "no token allowed with " + left + " left after " + out);
            // random "logits": pick uniformly among allowed tokens, with an end-of-sequence bias
            int pick;
            if (allowed.get(eos) && rnd.nextInt(3) == 0) {
                pick = eos;
            } else {
                int k = rnd.nextInt(allowed.cardinality());
                pick = allowed.nextSetBit(0);
                for (int i = 0; i < k; i++) {
                    pick = allowed.nextSetBit(pick + 1);
                }
            }
            c.accept(pick);
            if (pick == eos) {
                return out.toString(StandardCharsets.UTF_8);
            }
            out.write(vocab[pick]);
        }
        assertTrue(c.isComplete(), "budget ran out on an incomplete document: " + out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void assertValid(String schemaJson, String text) throws Exception {
        JsonNode doc = M.readTree(text);
        List<Error> errors = REGISTRY.getSchema(schemaJson).validate(doc);
        assertTrue(errors.isEmpty(), text + " -> " + errors);
    }

    @Test
    void randomSamplingAlwaysValidates() throws Exception {
        List<String> schemas = List.of(
                """
                {"type": "object", "properties": {"name": {"type": "string", "maxLength": 12}, "age": {"type": "integer"},
                 "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
                 "ok": {"type": "boolean"}, "kind": {"enum": ["a", "b", 7, null]}},
                 "required": ["name", "age", "tags"], "additionalProperties": false}""",
                "{\"type\": \"array\", \"items\": {\"type\": \"number\"}, \"minItems\": 2}",
                "{\"type\": \"object\", \"properties\": {\"edit\": {\"type\": \"object\", \"properties\": {\"path\": {\"type\": \"string\"}, "
                        + "\"old\": {\"type\": \"string\"}, \"new\": {\"type\": \"string\"}}, \"required\": [\"path\", \"old\", \"new\"]}}, \"required\": [\"edit\"]}",
                "{\"type\": [\"string\", \"null\", \"integer\"]}",
                "{}");
        for (String s : schemas) {
            for (long seed = 0; seed < 60; seed++) {
                for (int budget : new int[] {40, 200}) {
                    String text = generate(s, seed, budget);
                    assertValid(s, text);
                }
            }
        }
    }

    @Test
    void tooSmallBudgetIsVisibleUpFront() throws Exception {
        JsonConstraint c = new JsonConstraint(Schema.compile(M.readTree("{\"type\": \"object\", \"properties\": {\"abc\": {\"type\": \"string\"}}, \"required\": [\"abc\"]}")),
                vocab(), vocab().length - 1);
        assertEquals("{\"abc\":\"\"}".length(), c.minTokensLeft());
    }

    @Test
    void vocabularyWithoutByteTokensIsRefused() {
        byte[][] small = {"{".getBytes(StandardCharsets.UTF_8), "}".getBytes(StandardCharsets.UTF_8)};
        SchemaException e = assertThrows(SchemaException.class, () -> new JsonConstraint(Schema.any(), small, -1));
        assertTrue(e.getMessage().contains("single-byte token"), e.getMessage());
    }

    @Test
    void tokensOutsideTheMaskAreRefused() throws Exception {
        byte[][] v = vocab();
        JsonConstraint c = new JsonConstraint(Schema.compile(M.readTree("{\"type\": \"boolean\"}")), v, v.length - 1);
        assertThrows(IllegalStateException.class, () -> c.accept('x'));
        assertThrows(IllegalStateException.class, () -> c.accept(v.length - 1), "EOS before the value");
    }
}
