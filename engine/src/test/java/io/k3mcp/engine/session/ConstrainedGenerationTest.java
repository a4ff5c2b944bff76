package io.k3mcp.engine.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.k3mcp.engine.grammar.JsonLogitConstraint;
import io.k3mcp.engine.grammar.Schema;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.sampling.SamplerConfig;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.engine.tokenizer.Tokenizers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Constrained decoding end to end on the random-weight shared models: whatever the (noise) logits and
 * the seed, the generated text parses and validates against the schema (checked by networknt, an
 * independent validator), keeps whitespace between tokens to short runs, and is complete when generation ends (by EOS, or by max_tokens exactly as
 * the document closes: the mask keeps every prefix finishable within the tokens left).
 */
class ConstrainedGenerationTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final List<String> SCHEMAS = List.of(
            """
            {"type": "object", "properties": {"name": {"type": "string", "maxLength": 10}, "age": {"type": "integer"},
             "tags": {"type": "array", "items": {"type": "string", "maxLength": 6}, "maxItems": 2}},
             "required": ["name", "age"], "additionalProperties": false}""",
            """
            {"type": "object", "properties": {"ok": {"type": "boolean"}, "level": {"enum": ["low", "mid", "high"]},
             "score": {"type": "number"}, "items": {"type": "array", "items": {"type": "object",
             "properties": {"id": {"type": "integer"}}, "required": ["id"], "additionalProperties": false}, "maxItems": 2}},
             "required": ["ok", "level", "items"], "additionalProperties": false}""",
            "{\"type\": \"array\", \"items\": {\"type\": \"integer\"}, \"minItems\": 1, \"maxItems\": 4}");
    private static final int SEEDS = 8;
    private static final int MAX_TOKENS = 120;

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-mini-q8_0.gguf", "llama-mini-q8_0.gguf"})
    void outputAlwaysValidatesAcrossSeeds(String file) throws Exception {
        try (Model model = Model.load(Shared.model(file), ReferenceKernels.INSTANCE)) {
            Tokenizer tok = Tokenizers.fromGguf(model.file().metadata());
            Session session = new Session(model, ReferenceKernels.INSTANCE, TokenText.of(tok), 512, GgmlType.F16);
            int[] prompt = tok.encode("Reply with JSON:", true, false);
            for (String schemaJson : SCHEMAS) {
                Schema schema = Schema.compile(M.readTree(schemaJson));
                for (int seed = 0; seed < SEEDS; seed++) {
                    JsonLogitConstraint c = JsonLogitConstraint.of(schema, tok);
                    assertTrue(c.minTokens() <= MAX_TOKENS);
                    SamplerConfig sampling = new SamplerConfig(1.2f, 0, 1f, 0f, 1f, SamplerConfig.DEFAULT_REPEAT_LAST_N, seed);
                    GenerationResult r = session.generate(new GenerationRequest(prompt, MAX_TOKENS, sampling, List.of(), 0,
                            null, null, c));
                    String where = file + " seed " + seed + " schema " + schemaJson + ": " + r.text();
                    JsonNode doc = M.readTree(r.text());
                    List<Error> errors = REGISTRY.getSchema(schemaJson).validate(doc);
                    assertTrue(errors.isEmpty(), where + " -> " + errors);
                    assertTrue(c.isComplete(), where);
                    assertTrue(longestBlankRunOutsideStrings(r.text()) <= MAX_BLANKS, where);
                    // EOS once complete, or the budget ran out exactly as the document closed
                    assertTrue(r.finishReason() == FinishReason.EOS || r.completionTokens() == MAX_TOKENS, where);
                }
            }
        }
    }

    /**
     * JsonLogitConstraint's limit (24), plus the whitespace a token that closes a string may carry after
     * its quote (chosen while inside the string, where whitespace is content and not limited).
     */
    private static final int MAX_BLANKS = 24 + 32;

    /** Longest run of whitespace between JSON tokens (inside strings whitespace is content). */
    static int longestBlankRunOutsideStrings(String json) {
        int longest = 0;
        int run = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char ch = json.charAt(i);
            if (inString) {
                if (ch == '\\') {
                    i++;
                } else if (ch == '"') {
                    inString = false;
                }
                continue;
            }
            if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
                longest = Math.max(longest, ++run);
            } else {
                run = 0;
                inString = ch == '"';
            }
        }
        return longest;
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-mini-q8_0.gguf", "llama-mini-q8_0.gguf"})
    void anyJsonFormatParses(String file) throws Exception {
        try (Model model = Model.load(Shared.model(file), ReferenceKernels.INSTANCE)) {
            Tokenizer tok = Tokenizers.fromGguf(model.file().metadata());
            Session session = new Session(model, ReferenceKernels.INSTANCE, TokenText.of(tok), 512, GgmlType.F16);
            int[] prompt = tok.encode("JSON:", true, false);
            for (int seed = 0; seed < SEEDS; seed++) {
                JsonLogitConstraint c = JsonLogitConstraint.of(Schema.any(), tok);
                SamplerConfig sampling = new SamplerConfig(1.0f, 40, 0.95f, 0.05f, 1f, SamplerConfig.DEFAULT_REPEAT_LAST_N, seed);
                GenerationResult r = session.generate(new GenerationRequest(prompt, 64, sampling, List.of(), 0, null, null, c));
                M.readTree(r.text()); // throws when it does not parse
                assertTrue(c.isComplete(), file + " seed " + seed + ": " + r.text());
            }
        }
    }
}
