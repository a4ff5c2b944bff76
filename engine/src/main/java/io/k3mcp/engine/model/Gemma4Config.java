package io.k3mcp.engine.model;

import io.k3mcp.engine.gguf.GgufMetadata;
import io.k3mcp.engine.gguf.GgufValueType;

import java.util.ArrayList;
import java.util.List;

/**
 * Gemma 4's hyperparameters (llama.cpp {@code llama_model_gemma4::load_arch_hparams}): per-layer head
 * counts and FFN widths (u32 or u32[L]), separate head sizes, RoPE dims and bases for sliding and full
 * layers, the sliding pattern as an explicit array, shared-KV layers, per-layer input embeddings and the
 * final logit soft-cap (30 when the key is absent).
 */
final class Gemma4Config {
    private static final int MAX_DIM = 1 << 20;
    /** llama_hparams' initialiser: the cap when the file does not state one. */
    static final float DEFAULT_SOFTCAP = 30f;

    private Gemma4Config() {
    }

    static ModelConfig read(GgufMetadata m, Architecture arch, int nVocab, int nEmbd, int nLayer, int ctx,
                            float freqScale) {
        String p = arch.ggufName + ".";
        int[] nHead = perLayer(m, p + "attention.head_count", nLayer, null);
        int[] nKvHead = perLayer(m, p + "attention.head_count_kv", nLayer, nHead);
        int[] nFf = perLayer(m, p + "feed_forward_length", nLayer, null);
        int hdFull = equalLengths(m, p + "attention.key_length", p + "attention.value_length", nEmbd / nHead[0]);
        if (!m.has(p + "attention.key_length_swa")) {
            throw new UnsupportedModelException(p + "attention.key_length_swa is missing (the head size of the sliding layers)");
        }
        int hdSwa = equalLengths(m, p + "attention.key_length_swa", p + "attention.value_length_swa", 0);
        int rotFull = m.intIn(p + "rope.dimension_count", 2, MAX_DIM, hdFull);
        int rotSwa = m.intIn(p + "rope.dimension_count_swa", 2, MAX_DIM, rotFull);
        float baseFull = m.getFloat(p + "rope.freq_base", 10000f);
        float baseSwa = m.getFloat(p + "rope.freq_base_swa", 10000f);
        float eps = required(m, p + "attention.layer_norm_rms_epsilon");
        int window = m.intIn(p + "attention.sliding_window", 1, 1 << 24);
        boolean[] sliding = pattern(m, p + "attention.sliding_window_pattern", nLayer);
        int nShared = m.intIn(p + "attention.shared_kv_layers", 0, nLayer, 0);
        int nKv = nLayer - nShared;
        if (!m.has(p + "embedding_length_per_layer_input")) {
            throw new UnsupportedModelException(p + "embedding_length_per_layer_input is missing (0 for no per-layer inputs)");
        }
        int perLayerInput = m.intIn(p + "embedding_length_per_layer_input", 0, MAX_DIM);
        float softcap = m.getFloat(p + "final_logit_softcapping", DEFAULT_SOFTCAP);

        List<LayerShape> layers = new ArrayList<>(nLayer);
        for (int il = 0; il < nLayer; il++) {
            boolean swa = sliding[il];
            int kvLayer = il < nKv ? il : sharedSource(swa, nKv, il);
            layers.add(new LayerShape(nHead[il], nKvHead[il], swa ? hdSwa : hdFull, nFf[il], swa ? rotSwa : rotFull,
                    swa ? baseSwa : baseFull, swa ? 1f : freqScale, !swa, swa, kvLayer));
        }
        for (int il = nKv; il < nLayer; il++) {
            LayerShape own = layers.get(il);
            LayerShape src = layers.get(own.kvLayer());
            if (src.sliding() != own.sliding() || src.kvDim() != own.kvDim() || src.headDim() != own.headDim()) {
                throw new UnsupportedModelException(p + "attention.shared_kv_layers " + nShared + ": layer " + il
                        + (own.sliding() ? " (sliding)" : " (full)") + " would read layer " + own.kvLayer()
                        + "'s cache, which is " + (src.sliding() ? "sliding" : "full") + " with " + src.nKvHead() + "x"
                        + src.headDim() + " K/V (needs the same kind and width)");
            }
        }
        // softmax top-k with renormalised weights, as qwen3moe; which layers have experts, the tensors say
        ExpertConfig experts = ExpertConfig.read(m, p, arch, nFf[0]);
        int maxHead = max(nHead);
        return new ModelConfig(arch, nVocab, nEmbd, nLayer, maxHead, max(nKvHead), hdFull, max(nFf), ctx, eps,
                rotFull, baseFull, freqScale, baseSwa, window, 0, (float) Math.sqrt(nEmbd), 1f, 1f,
                List.copyOf(layers), perLayerInput, softcap, experts, null);
    }

    /** llama.cpp's create_memory: a shared sliding layer reads layer nKv-2, a shared full layer nKv-1. */
    private static int sharedSource(boolean sliding, int nKv, int il) {
        if (nKv < 2) {
            throw new UnsupportedModelException("gemma4.attention.shared_kv_layers leaves " + nKv
                    + " layers with a KV cache; at least 2 are needed (layer " + il + " has no source)");
        }
        return sliding ? nKv - 2 : nKv - 1;
    }

    /** A u32 or a u32[nLayer] (llama.cpp get_key_or_arr); {@code fallback} when absent (required when null). */
    private static int[] perLayer(GgufMetadata m, String key, int nLayer, int[] fallback) {
        if (!m.has(key)) {
            if (fallback == null) {
                throw new UnsupportedModelException(key + " is missing");
            }
            return fallback.clone();
        }
        int[] v;
        if (m.get(key).type() == GgufValueType.ARRAY) {
            v = m.intArray(key);
            if (v.length != nLayer) {
                throw new UnsupportedModelException(key + " has " + v.length + " entries for " + nLayer + " layers");
            }
        } else {
            v = new int[nLayer];
            java.util.Arrays.fill(v, m.intIn(key, 1, MAX_DIM));
        }
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 1 || v[i] > MAX_DIM) {
                throw new UnsupportedModelException(key + "[" + i + "] = " + v[i] + " is outside 1.." + MAX_DIM);
            }
        }
        return v;
    }

    private static int equalLengths(GgufMetadata m, String keyLength, String valueLength, int fallback) {
        int k = m.intIn(keyLength, 1, MAX_DIM, fallback);
        int v = m.intIn(valueLength, 1, MAX_DIM, k);
        if (k != v) {
            throw new UnsupportedModelException(valueLength + " " + v + " differs from " + keyLength + " " + k
                    + "; gemma4 needs them equal");
        }
        return k;
    }

    private static float required(GgufMetadata m, String key) {
        return m.optFloat(key).orElseThrow(() -> new UnsupportedModelException(key + " is missing"));
    }

    /** The bool (or integer) array saying which layers slide; nothing is derived from a period. */
    private static boolean[] pattern(GgufMetadata m, String key, int nLayer) {
        boolean[] swa = m.boolArray(key);
        if (swa == null) {
            throw new UnsupportedModelException(key + " is missing (one bool per layer: true = sliding window)");
        }
        if (swa.length != nLayer) {
            throw new UnsupportedModelException(key + " has " + swa.length + " entries for " + nLayer + " layers");
        }
        return swa;
    }

    private static int max(int[] v) {
        int m = v[0];
        for (int x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
