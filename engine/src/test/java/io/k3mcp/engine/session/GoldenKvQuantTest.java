package io.k3mcp.engine.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Greedy generation with a quantised KV cache against llama.cpp's with {@code -ctk/-ctv} of the same type
 * (flash attention on, as llama.cpp requires): the tokens of every decisive step are equal, on the reference
 * and the native kernels. The references are test resources made by scripts/kv-golden/make-kv-goldens.sh.
 */
class GoldenKvQuantTest {
    private static final String[] MODELS = {"llama-mini-f16", "qwen3-mini-f16", "gemma3-mini-f16", "llama32-mini-f16",
        "gemma4-mini-f16"};

    static Stream<String> cases() {
        return Stream.of("q8_0", "q4_0").flatMap(t -> Arrays.stream(MODELS).map(m -> m + "-kv-" + t));
    }

    @ParameterizedTest(name = "{0} reference")
    @MethodSource("cases")
    void referenceKernels(String name) throws IOException {
        check(name, ReferenceKernels.INSTANCE);
    }

    @ParameterizedTest(name = "{0} native")
    @MethodSource("cases")
    void nativeKernels(String name) throws IOException {
        check(name, Golden.nativeKernels());
    }

    private static void check(String name, Kernels kernels) throws IOException {
        JsonNode golden;
        try (InputStream in = GoldenKvQuantTest.class.getResourceAsStream("/kv-goldens/" + name + ".json")) {
            golden = new ObjectMapper().readTree(in);
        }
        GgmlType type = KvType.parse(golden.get("type_k").asText());
        try (Model m = Model.load(Shared.model(golden.get("model_file").asText()), kernels)) {
            String[] tokens = m.file().metadata().stringArray("tokenizer.ggml.tokens");
            int checked = 0;
            for (JsonNode p : golden.get("prompts")) {
                int[] prompt = ints(p.get("prompt_ids"));
                int[] want = ints(p.get("generated_ids"));
                int decisive = p.get("decisive_steps").asInt();
                Session s = new Session(m, kernels, FixedText.noEog(tokens), prompt.length + want.length + 8, type);
                int[] got = s.generate(GenerationRequest.greedy(prompt, want.length)).tokens();
                assertArrayEquals(Arrays.copyOf(want, decisive), Arrays.copyOf(got, decisive),
                        name + ": the first " + decisive + " (decisive) tokens of llama.cpp's -ctk/-ctv " + type);
                checked += decisive;
            }
            assertTrue(checked > 0, name + ": no decisive step to check");
        }
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
