package io.k3mcp.engine.model;

import io.k3mcp.engine.gguf.GgufArray;
import io.k3mcp.engine.gguf.GgufValue;
import io.k3mcp.engine.gguf.GgufValueType;
import io.k3mcp.engine.testing.GgufCopy;
import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * qwen35 hybrids: the hyperparameters and layer kinds of qwen35-mini as MODELS.md describes them, and
 * every inconsistent delta-net key or tensor rejected by name (copies of the file with one thing changed).
 */
class HybridConfigTest {
    private static final Path MINI = Shared.model("new-archs/qwen35-mini-f16.gguf");

    @TempDir
    Path dir;

    @Test
    void qwen35MiniAsMODELSmdDescribesIt() throws IOException {
        try (Model m = Model.load(MINI, ReferenceKernels.INSTANCE)) {
            ModelConfig c = m.config();
            assertEquals(Architecture.QWEN35, c.arch());
            assertTrue(c.arch().hybrid() && c.arch().ropeNeox);
            assertEquals(5, c.nLayer(), "6 blocks minus the MTP block");
            assertEquals(128, c.headDim(), "key_length, not n_embd / n_head");
            assertEquals(32, c.ropeDims());
            DeltaNetConfig dn = c.deltaNet();
            assertArrayEquals(new boolean[] {true, true, false, true, true}, dn.recurrent(), "full_attention_interval 3");
            assertEquals(4, dn.dConv());
            assertEquals(64, dn.stateSize());
            assertEquals(2, dn.nKHeads());
            assertEquals(4, dn.nVHeads());
            assertEquals(512, dn.convDim());
            assertEquals(256, dn.valueDim());
            LayerWeights recurrent = m.weights().layers().get(0);
            assertNotNull(recurrent.deltaNet());
            assertNull(recurrent.wq());
            LayerWeights attention = m.weights().layers().get(2);
            assertNull(attention.deltaNet());
            assertEquals(1024, attention.wq().rows(), "q and gate per head");
            assertTrue(m.weights().tiedOutput());
            KvCache cache = new KvCache(c, 64, GgmlType.F16);
            assertNull(cache.keys(0), "a delta-net layer holds no K/V rows");
            assertNotNull(cache.recurrent().state(0));
            long attentionLayers = m.weights().layers().stream().filter(l -> l.deltaNet() == null).count();
            // rows are allocated as positions fill; bytes() is what the full context takes: K and V rows of the
            // attention layers only, 64 rows of 1 KV head x 128, F16 each
            assertEquals(attentionLayers * 2 * 64L * 128 * 2, cache.bytes(), "K/V bytes of the attention layers alone");
            assertNull(cache.recurrent().state(2));
        }
    }

    /** The conv windows and states carry across batches exactly: 7-token batches give the one-batch logits bit for bit. */
    @Test
    void prefillInSmallBatchesEqualsOneBatch() throws IOException {
        Golden.Run run = Golden.load(Golden.NEW_ARCHS + "qwen35-mini-f16").runs().get(0);
        int[] ids = Arrays.copyOf(run.promptIds(), run.promptIds().length + 12);
        System.arraycopy(run.generatedIds(), 0, ids, run.promptIds().length, 12);
        try (Model m = Model.load(MINI, ReferenceKernels.INSTANCE)) {
            float[] one = new Transformer(m, ReferenceKernels.INSTANCE).forward(new KvCache(m.config(), ids.length, GgmlType.F16), ids, true);
            float[] small = new Transformer(m, ReferenceKernels.INSTANCE, 7).forward(new KvCache(m.config(), ids.length, GgmlType.F16), ids, true);
            assertArrayEquals(one, small);
        }
    }

    @Test
    void recurrentLayersArrayWinsOverTheInterval() throws IOException {
        // the file's layer 0 is a delta-net layer; an array naming it full attention makes the loader look for attn_q
        Path bools = copy("bools.gguf", Map.of("qwen35.attention.recurrent_layers",
                new GgufValue(GgufValueType.ARRAY, new GgufArray(GgufValueType.BOOL, new boolean[] {false, true, false, true, true, false}))), null);
        assertTrue(loadError(bools).contains("'blk.0.attn_q.weight' is missing"), loadError(bools));
        Path ints = copy("ints.gguf", Map.of("qwen35.attention.recurrent_layers",
                new GgufValue(GgufValueType.ARRAY, new GgufArray(GgufValueType.INT32, new long[] {1, 1, 0, 1, 1, 0}))), null);
        try (Model m = Model.load(ints, ReferenceKernels.INSTANCE)) {
            assertArrayEquals(new boolean[] {true, true, false, true, true}, m.config().deltaNet().recurrent(), "integer flags");
        }
        Path shortArray = copy("short.gguf", Map.of("qwen35.attention.recurrent_layers",
                new GgufValue(GgufValueType.ARRAY, new GgufArray(GgufValueType.BOOL, new boolean[] {true, false}))), null);
        assertTrue(loadError(shortArray).contains("qwen35.attention.recurrent_layers must be an array of 6 flags"), loadError(shortArray));
    }

    @Test
    void inconsistentDeltaNetKeysAreRejectedByName() throws IOException {
        String inner = loadError(copy("inner.gguf", Map.of("qwen35.ssm.inner_size", u32(128)), null));
        assertTrue(inner.contains("qwen35.ssm.inner_size 128 differs from ssm.state_size * ssm.time_step_rank = 256"), inner);
        String heads = loadError(copy("heads.gguf", Map.of("qwen35.ssm.group_count", u32(3)), null));
        assertTrue(heads.contains("qwen35.ssm.time_step_rank 4 is not a multiple of ssm.group_count 3"), heads);
        String sections = loadError(copy("sections.gguf", Map.of("qwen35.rope.dimension_sections",
                new GgufValue(GgufValueType.ARRAY, new GgufArray(GgufValueType.INT32, new long[] {1, 1, 1, 13}))), null));
        assertTrue(sections.contains("rope.dimension_sections [1, 1, 1, 13] leaves rotary pair 3 without the text position"), sections);
        String noSections = loadError(copy("nosections.gguf", Map.of("qwen35.rope.dimension_sections",
                new GgufValue(GgufValueType.ARRAY, new GgufArray(GgufValueType.INT32, new long[] {11, 11, 10}))), null));
        assertTrue(noSections.contains("rope.dimension_sections must be an array of 4 integers"), noSections);
    }

    @Test
    void convolutionWeightsMustBeF32() throws IOException {
        String m = loadError(copy("conv.gguf", Map.of(), "blk.1.ssm_conv1d.weight"));
        assertTrue(m.contains("tensor 'blk.1.ssm_conv1d.weight' has type F16; the convolution weights must be F32"), m);
    }

    private static GgufValue u32(long v) {
        return new GgufValue(GgufValueType.UINT32, v);
    }

    private static String loadError(Path f) {
        return assertThrows(UnsupportedModelException.class, () -> Model.load(f, ReferenceKernels.INSTANCE)).getMessage();
    }

    /** qwen35-mini-f16 with {@code keys} replaced or added, and {@code asF16} (if not null) stored as F16 zeros. */
    private Path copy(String name, Map<String, GgufValue> keys, String asF16) throws IOException {
        GgufCopy c = GgufCopy.of(MINI);
        keys.forEach((k, v) -> c.put(k, v.type(), v.value()));
        if (asF16 != null) {
            c.retype(asF16, GgmlType.F16);
        }
        return c.write(dir.resolve(name));
    }
}
