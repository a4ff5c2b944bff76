package io.k3mcp.engine.model;

import io.k3mcp.engine.gguf.GgufException;
import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufMetadata;
import io.k3mcp.engine.gguf.GgufValue;
import io.k3mcp.engine.testing.Shared;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import io.k3mcp.engine.gguf.MetadataEdits;

import static io.k3mcp.engine.gguf.MetadataEdits.bools;
import static io.k3mcp.engine.gguf.MetadataEdits.edited;
import static io.k3mcp.engine.gguf.MetadataEdits.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gemma 4's hyperparameters from the oracle file (values as shared/models/new-archs/MODELS.md lists them), and each bad key. */
class Gemma4ConfigTest {
    private static final String MINI = "new-archs/gemma4-mini-f16.gguf";

    private static GgufMetadata metadata() throws IOException {
        try (GgufFile f = GgufFile.open(Shared.model(MINI))) {
            return f.metadata();
        }
    }

    private static ModelConfig read(Map<String, GgufValue> edits) throws IOException {
        return ModelConfig.fromMetadata(edited(metadata(), edits), 1024);
    }

    private static String error(String key, GgufValue value) {
        Map<String, GgufValue> edits = new HashMap<>();
        edits.put(key, value);
        return assertThrows(UnsupportedModelException.class, () -> read(edits)).getMessage();
    }

    @Test
    void layersGetTheirOwnShapesRopeAndKvSource() throws IOException {
        ModelConfig c = read(Map.of());
        assertEquals(Architecture.GEMMA4, c.arch());
        // pattern S F S S F S S F; sliding: 2 KV heads x 32, base 1e4, all 32 dims; full: 2 x 64, base 1e6 with rope_freqs
        boolean[] sliding = {true, false, true, true, false, true, true, false};
        for (int il = 0; il < 8; il++) {
            LayerShape s = c.layer(il);
            assertEquals(sliding[il], s.sliding(), "layer " + il);
            assertEquals(sliding[il] ? 32 : 64, s.headDim(), "layer " + il);
            assertEquals(sliding[il] ? 32 : 64, s.ropeDims(), "layer " + il);
            assertEquals(sliding[il] ? 1e4f : 1e6f, s.ropeBase(), "layer " + il);
            assertEquals(!sliding[il], s.ropeFreqs(), "layer " + il);
            assertEquals(4, s.nHead());
            assertEquals(2, s.nKvHead());
            assertEquals(il < 5 ? 256 : 512, s.nFf(), "double-wide MLP on the shared layers");
        }
        // shared_kv_layers 3: layers 5, 6 (sliding) read layer 3, layer 7 (full) reads layer 4
        int[] source = {0, 1, 2, 3, 4, 3, 3, 4};
        for (int il = 0; il < 8; il++) {
            assertEquals(source[il], c.layer(il).kvLayer(), "layer " + il);
        }
        assertEquals(32, c.slidingWindow());
        assertEquals(32, c.perLayerInput());
        assertEquals(20f, c.logitSoftcap());
        assertEquals(16f, c.embedScale());
        assertEquals(1f, c.attnScale());
        assertEquals(1f, c.queryScale());
    }

    @Test
    void aPatternOfIntegersReadsAsBoolsAndOfStringsIsRefused() throws IOException {
        Map<String, GgufValue> edits = new HashMap<>();
        edits.put("gemma4.attention.sliding_window_pattern", MetadataEdits.u32s(1, 0, 1, 1, 0, 1, 1, 0));
        assertTrue(read(edits).layer(0).sliding());
        assertFalse(read(edits).layer(1).sliding());
        edits.put("gemma4.attention.sliding_window_pattern", MetadataEdits.strings("S", "F", "S", "S", "F", "S", "S", "F"));
        String m = assertThrows(GgufException.class, () -> read(edits)).getMessage();
        assertTrue(m.contains("'gemma4.attention.sliding_window_pattern' should be an array of bools but holds STRING"), m);
    }

    @Test
    void softcapDefaultsToThirtyWhenAbsent() throws IOException {
        Map<String, GgufValue> edits = new HashMap<>();
        edits.put("gemma4.final_logit_softcapping", null);
        assertEquals(30f, read(edits).logitSoftcap());
    }

    @Test
    void missingRequiredKeysAreNamed() {
        assertTrue(error("gemma4.attention.key_length_swa", null).contains("gemma4.attention.key_length_swa is missing"));
        assertTrue(error("gemma4.attention.sliding_window_pattern", null).contains("sliding_window_pattern is missing"));
        assertTrue(error("gemma4.embedding_length_per_layer_input", null).contains("embedding_length_per_layer_input is missing"));
        assertTrue(error("gemma4.attention.layer_norm_rms_epsilon", null).contains("layer_norm_rms_epsilon is missing"));
    }

    @Test
    void inconsistentLayerKeysAreRejected() {
        String shortPattern = error("gemma4.attention.sliding_window_pattern", bools(true, false, true, true, false, true, true));
        assertTrue(shortPattern.contains("has 7 entries for 8 layers"), shortPattern);
        // layer 3 (= n_kv - 2) full: the shared sliding layers 5 and 6 would read a full layer's cache
        String wrongSource = error("gemma4.attention.sliding_window_pattern",
                bools(true, false, true, false, true, true, true, false));
        assertTrue(wrongSource.contains("layer 5 (sliding) would read layer 3's cache, which is full"), wrongSource);
        String tooFew = error("gemma4.attention.shared_kv_layers", u32(7));
        assertTrue(tooFew.contains("leaves 1 layers with a KV cache; at least 2 are needed"), tooFew);
        String heads = error("gemma4.attention.head_count", MetadataEdits.u32s(4, 4, 4));
        assertTrue(heads.contains("gemma4.attention.head_count has 3 entries for 8 layers"), heads);
        String zero = error("gemma4.feed_forward_length", MetadataEdits.u32s(256, 256, 256, 256, 0, 512, 512, 512));
        assertTrue(zero.contains("gemma4.feed_forward_length[4] = 0 is outside 1.."), zero);
        assertTrue(error("gemma4.attention.head_count", null).contains("gemma4.attention.head_count is missing"));
        String values = error("gemma4.attention.value_length_swa", u32(16));
        assertTrue(values.contains("value_length_swa 16 differs from gemma4.attention.key_length_swa 32"), values);
    }

    /** gemma4-moe-mini (MODELS.md): head_count_kv per layer, experts 8 / 2 of width 64, no softcap key (30). */
    @Test
    void theMixtureOfExpertsVariantReadsPerLayerKvHeadsAndExperts() throws IOException {
        try (GgufFile f = GgufFile.open(Shared.model("new-archs/gemma4-moe-mini-f16.gguf"))) {
            ModelConfig c = ModelConfig.fromMetadata(f.metadata(), 1024);
            int[] kvHeads = {2, 2, 1, 2, 2, 1};
            for (int il = 0; il < 6; il++) {
                assertEquals(kvHeads[il], c.layer(il).nKvHead(), "layer " + il);
                assertEquals(il, c.layer(il).kvLayer(), "no shared KV");
            }
            assertEquals(new ExpertConfig(8, 2, 64), c.experts());
            assertEquals(30f, c.logitSoftcap());
            assertEquals(0, c.perLayerInput());
        }
    }
}
