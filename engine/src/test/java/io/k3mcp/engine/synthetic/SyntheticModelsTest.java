package io.k3mcp.engine.synthetic;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufMetadata;
import io.k3mcp.engine.gguf.GgufTensor;
import io.k3mcp.kernels.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Synthetic models on tiny custom shapes: valid GGUF, the planned tensors and types, cached once. */
class SyntheticModelsTest {
    static final SyntheticShape TINY_LLAMA = new SyntheticShape("tiny-llama", "llama", 256, 2, 4, 1, 64, 512, 400,
            256, 10000f, 1e-5f, false, false, "llama", null);
    static final SyntheticShape TINY_QWEN = new SyntheticShape("tiny-qwen", "qwen3", 256, 2, 4, 2, 128, 512, 600,
            256, 1e6f, 1e-6f, true, true, "gpt2", "qwen2");

    @TempDir
    Path dir;

    @Test
    void tinyLlamaQ4KmHasPlannedTensorsTypesAndSizes() throws IOException {
        SyntheticPlan plan = SyntheticPlan.of(TINY_LLAMA, SyntheticType.Q4_K_M);
        Path p = new SyntheticModels(dir).ensure(plan);
        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata m = f.metadata();
            assertEquals("llama", m.string("general.architecture"));
            assertEquals(15, m.getLong("general.file_type"));
            assertEquals(256, m.getLong("llama.embedding_length"));
            assertEquals(4, m.getLong("llama.attention.head_count"));
            assertEquals(1, m.getLong("llama.attention.head_count_kv"));
            String[] tokens = m.stringArray("tokenizer.ggml.tokens");
            assertEquals(400, tokens.length);
            assertEquals("<0x41>", tokens[3 + 0x41]);
            assertEquals(400, m.floatArray("tokenizer.ggml.scores").length);
            assertEquals(3 + 2 * 9, f.tensors().size());
            // llama.cpp's Q4_K_M mix on 2 layers: use_more_bits holds for layer 1 only
            assertEquals(GgmlType.Q4_K, f.require("token_embd.weight").type());
            assertEquals(GgmlType.Q6_K, f.require("output.weight").type());
            assertEquals(GgmlType.Q4_K, f.require("blk.0.attn_v.weight").type());
            assertEquals(GgmlType.Q6_K, f.require("blk.1.attn_v.weight").type());
            assertEquals(GgmlType.Q6_K, f.require("blk.1.ffn_down.weight").type());
            assertEquals(GgmlType.Q4_K, f.require("blk.1.ffn_up.weight").type());
            GgufTensor k = f.require("blk.0.attn_k.weight");
            assertArrayEquals(new long[] {256, 64}, k.ne());
            assertEquals(GgmlType.Q4_K.bytesFor(256 * 64), k.byteSize());
            GgufTensor norm = f.require("blk.0.attn_norm.weight");
            assertEquals(GgmlType.F32, norm.type());
            assertEquals(1.0f, f.data(norm).order(ByteOrder.LITTLE_ENDIAN).getFloat(4 * 17));
            assertEquals(plan.weightBytes(), f.tensors().stream().mapToLong(GgufTensor::byteSize).sum());
        }
    }

    @Test
    void tinyLlamaIq4XsFollowsLlamaCppsIq4Rules() throws IOException {
        SyntheticPlan plan = SyntheticPlan.of(TINY_LLAMA, SyntheticModels.parseSpec("llama-3.2-1b:iq4_xs").type());
        Path p = new SyntheticModels(dir).ensure(plan);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(30, f.metadata().getLong("general.file_type"));
            assertEquals(GgmlType.IQ4_XS, f.require("token_embd.weight").type());
            assertEquals(GgmlType.Q6_K, f.require("output.weight").type());
            // n_head / n_head_kv = 4: llama.cpp gives attn_v Q5_K in IQ4 files
            assertEquals(GgmlType.Q5_K, f.require("blk.1.attn_v.weight").type());
            assertEquals(GgmlType.IQ4_XS, f.require("blk.0.ffn_down.weight").type()); // 2 layers: no first eighth
            assertEquals(GgmlType.IQ4_XS.bytesFor(256 * 512), f.require("blk.0.ffn_up.weight").byteSize());
            assertEquals(plan.weightBytes(), f.tensors().stream().mapToLong(GgufTensor::byteSize).sum());
        }
        // 16 layers: ffn_down of layers 0-1 in Q5_K; rows not a multiple of 256 fall back to IQ4_NL
        assertEquals(GgmlType.IQ4_NL, QuantRules.typeFor(SyntheticType.IQ4_NL, TINY_QWEN, "blk.0.ffn_down.weight", 512, 2, 0));
        SyntheticShape deep = new SyntheticShape("deep", "llama", 256, 16, 4, 2, 64, 512, 400, 256, 10000f, 1e-5f,
                false, false, "llama", null);
        assertEquals(GgmlType.Q5_K, QuantRules.typeFor(SyntheticType.IQ4_NL, deep, "blk.1.ffn_down.weight", 512, 2, 1));
        assertEquals(GgmlType.IQ4_NL, QuantRules.typeFor(SyntheticType.IQ4_NL, deep, "blk.2.ffn_down.weight", 512, 2, 2));
        assertEquals(GgmlType.IQ4_XS, QuantRules.typeFor(SyntheticType.IQ4_XS, deep, "blk.0.attn_v.weight", 256, 2, 0));
        assertEquals(GgmlType.IQ4_NL, QuantRules.typeFor(SyntheticType.IQ4_XS, deep, "blk.0.ffn_up.weight", 288, 2, 0));
    }

    @Test
    void tinyQwenIsTiedWithQkNormsAndABpeVocabulary() throws IOException {
        Path p = new SyntheticModels(dir).ensure(SyntheticPlan.of(TINY_QWEN, SyntheticType.Q8_0));
        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata m = f.metadata();
            assertEquals("gpt2", m.string("tokenizer.ggml.model"));
            assertEquals("qwen2", m.string("tokenizer.ggml.pre"));
            String[] tokens = m.stringArray("tokenizer.ggml.tokens");
            String[] merges = m.stringArray("tokenizer.ggml.merges");
            assertEquals(600, tokens.length);
            int specials = SyntheticTokenizer.QWEN_SPECIALS.length;
            assertEquals(600 - specials - 256, merges.length);
            // every merge joins two existing tokens into the next token
            for (int i = 0; i < merges.length; i++) {
                String[] parts = merges[i].split(" ");
                assertEquals(tokens[256 + i], parts[0] + parts[1]);
            }
            assertEquals("<|endoftext|>", tokens[(int) m.getLong("tokenizer.ggml.bos_token_id")]);
            assertEquals("<|im_end|>", tokens[(int) m.getLong("tokenizer.ggml.eos_token_id")]);
            assertEquals(128, m.getLong("qwen3.attention.key_length"));
            assertNull(f.tensor("output.weight"));
            // tied: token_embd takes the output rule (Q8_0 stays Q8_0)
            assertEquals(GgmlType.Q8_0, f.require("token_embd.weight").type());
            assertArrayEquals(new long[] {256, 512}, f.require("blk.0.attn_q.weight").ne());
            assertArrayEquals(new long[] {512, 256}, f.require("blk.0.attn_output.weight").ne());
            assertArrayEquals(new long[] {128}, f.require("blk.1.attn_k_norm.weight").ne());
        }
    }

    @Test
    void writtenOnceThenReusedAndRebuiltWhenDamaged() throws IOException {
        SyntheticModels cache = new SyntheticModels(dir);
        SyntheticPlan plan = SyntheticPlan.of(TINY_LLAMA, SyntheticType.Q4_0);
        Path p = cache.ensure(plan);
        byte[] first = Files.readAllBytes(p);
        Files.setLastModifiedTime(p, FileTime.fromMillis(1000));
        assertEquals(p, cache.ensure(plan));
        assertEquals(1000, Files.getLastModifiedTime(p).toMillis(), "a valid cached file is not rewritten");
        Files.write(p, java.util.Arrays.copyOf(first, first.length / 2));
        assertNotEquals(null, SyntheticModels.mismatch(plan, p));
        cache.ensure(plan);
        assertArrayEquals(first, Files.readAllBytes(p), "rebuilt with the same bytes (fixed seed)");
        assertFalse(Files.exists(p.resolveSibling(p.getFileName() + ".tmp")));
    }

    @Test
    void differentTypeIsADifferentFile() throws IOException {
        SyntheticModels cache = new SyntheticModels(dir);
        Path a = cache.ensure(SyntheticPlan.of(TINY_LLAMA, SyntheticType.F16));
        Path b = cache.ensure(SyntheticPlan.of(TINY_LLAMA, SyntheticType.Q2_K));
        assertNotEquals(a, b);
        try (GgufFile f = GgufFile.open(b)) {
            assertEquals(GgmlType.Q4_K, f.require("blk.0.attn_v.weight").type(), "gqa 4 -> Q4_K");
            assertEquals(GgmlType.Q3_K, f.require("blk.0.ffn_down.weight").type());
            assertEquals(GgmlType.Q3_K, f.require("blk.0.attn_output.weight").type());
            assertEquals(GgmlType.Q2_K, f.require("blk.0.attn_q.weight").type());
        }
        try (GgufFile f = GgufFile.open(a)) {
            assertTrue(f.tensors().stream().allMatch(t -> t.type() == (t.ne().length == 1 ? GgmlType.F32 : GgmlType.F16)));
        }
    }

    /** llama-quant.cpp's choices for Q3_K_M and Q5_K_M on TinyLlama's 22 layers (n_head / n_head_kv = 8). */
    @Test
    void kQuantMediumMixesFollowLlamaCpp() {
        SyntheticShape tinyllama = SyntheticShape.byName("tinyllama-1.1b");
        java.util.function.BiFunction<SyntheticType, String, GgmlType> type = (ft, name) -> SyntheticPlan.of(tinyllama, ft)
                .tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().type();
        // Q3_K_M: attn_v Q5_K on the first two layers then Q4_K; ffn_down Q5_K below 22 / 16 = 1; attn_output Q4_K
        assertEquals(GgmlType.Q5_K, type.apply(SyntheticType.Q3_K_M, "blk.1.attn_v.weight"));
        assertEquals(GgmlType.Q4_K, type.apply(SyntheticType.Q3_K_M, "blk.2.attn_v.weight"));
        assertEquals(GgmlType.Q5_K, type.apply(SyntheticType.Q3_K_M, "blk.0.ffn_down.weight"));
        assertEquals(GgmlType.Q4_K, type.apply(SyntheticType.Q3_K_M, "blk.1.ffn_down.weight"));
        assertEquals(GgmlType.Q4_K, type.apply(SyntheticType.Q3_K_M, "blk.5.attn_output.weight"));
        assertEquals(GgmlType.Q3_K, type.apply(SyntheticType.Q3_K_M, "blk.5.attn_q.weight"));
        assertEquals(GgmlType.Q3_K, type.apply(SyntheticType.Q3_K_M, "token_embd.weight"));
        assertEquals(GgmlType.Q6_K, type.apply(SyntheticType.Q3_K_M, "output.weight"));
        // Q5_K_M: Q6_K attn_v and ffn_down where use_more_bits holds (layers 0-1, 19-21, and 4, 7, ...)
        for (String m : new String[] {"attn_v", "ffn_down"}) {
            assertEquals(GgmlType.Q6_K, type.apply(SyntheticType.Q5_K_M, "blk.1." + m + ".weight"));
            assertEquals(GgmlType.Q5_K, type.apply(SyntheticType.Q5_K_M, "blk.2." + m + ".weight"));
            assertEquals(GgmlType.Q6_K, type.apply(SyntheticType.Q5_K_M, "blk.4." + m + ".weight"));
            assertEquals(GgmlType.Q6_K, type.apply(SyntheticType.Q5_K_M, "blk.19." + m + ".weight"));
        }
        assertEquals(GgmlType.Q5_K, type.apply(SyntheticType.Q5_K_M, "blk.4.attn_output.weight"));
        assertEquals(GgmlType.Q6_K, type.apply(SyntheticType.Q5_K_M, "output.weight"));
        assertEquals(SyntheticType.Q5_K_M, SyntheticModels.parseSpec("tinyllama-1.1b:q5_k_m").type());
    }

    @Test
    void builtInShapesMatchPublishedSizes() {
        // llama-bench's model_n_params for TinyLlama-1.1B and the reference note's 636.7 MB Q4_0 file
        assertEquals(1_100_048_384L, SyntheticShape.byName("tinyllama-1.1b").parameterCount());
        assertEquals(596_049_920L, SyntheticShape.byName("qwen3-0.6b").parameterCount());
        long q40 = SyntheticPlan.of(SyntheticShape.byName("tinyllama-1.1b"), SyntheticType.Q4_0).weightBytes();
        assertTrue(Math.abs(q40 - 636_500_000L) < 1_000_000L, "TinyLlama Q4_0 weights " + q40);
    }

    @Test
    void badSpecsAreRejectedWithTheirName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SyntheticModels.parseSpec("tinyllama-1.1b"))
                .getMessage().contains("SHAPE:TYPE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SyntheticModels.parseSpec("gpt5:q4_0"))
                .getMessage().contains("gpt5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SyntheticModels.parseSpec("qwen3-0.6b:q9_9"))
                .getMessage().contains("q9_9"));
        assertEquals(SyntheticType.Q4_K_M, SyntheticModels.parseSpec("QWEN3-0.6B:q4_k_m").type());
    }
}
