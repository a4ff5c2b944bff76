package io.k3mcp.engine.model;

import io.k3mcp.engine.gguf.GgufMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Hyperparameters, read once from the {@code <arch>.} metadata and never changed. Optional keys get
 * the explicit defaults llama.cpp uses; what the architecture implies (Gemma's scales, window pattern,
 * second RoPE base) is filled in here, in one place.
 *
 * @param nVocab        rows of token_embd (the tensor is authoritative, as in llama.cpp)
 * @param headDim       key/query head size ({@code attention.key_length}, else nEmbd / nHead)
 * @param ropeFreqScale 1 / linear scaling factor (1 when unscaled)
 * @param ropeBaseSwa   RoPE base of sliding-window layers (Gemma 3: 10000, hard-coded in llama.cpp)
 * @param slidingWindow keys a sliding-window layer sees (0 = no sliding-window layers)
 * @param swaPattern    every swaPattern-th layer (the last of each group) is global; 0 = none
 * @param embedScale    multiplier of the token embeddings (Gemma: sqrt(nEmbd))
 * @param queryScale    multiplier applied to Q after RoPE (Gemma), 1 otherwise
 * @param attnScale     softmax scale of q.k (1/sqrt(headDim); 1 for Gemma, whose Q is pre-scaled)
 * @param layers        each layer's shape (uniform but for sliding layers' RoPE, except in gemma4); the
 *                      scalar head counts, head size and FFN width above are the largest of them
 * @param perLayerInput width of Gemma 4's per-layer input embeddings (0 = none)
 * @param logitSoftcap  final logits become cap * tanh(logits / cap) (0 = no soft-cap)
 * @param experts       the mixture-of-experts hyperparameters, or null for a dense model
 * @param deltaNet      the delta-net layers of a hybrid (qwen35), null otherwise; nLayer then excludes the
 *                      multi-token-prediction blocks at the end, which llama.cpp never runs
 */
public record ModelConfig(Architecture arch, int nVocab, int nEmbd, int nLayer, int nHead, int nKvHead,
                          int headDim, int nFf, int contextLength, float normEps,
                          int ropeDims, float ropeBase, float ropeFreqScale, float ropeBaseSwa,
                          int slidingWindow, int swaPattern, float embedScale, float queryScale, float attnScale,
                          List<LayerShape> layers, int perLayerInput, float logitSoftcap, ExpertConfig experts,
                          DeltaNetConfig deltaNet) {

    private static final int MAX_DIM = 1 << 20;

    public ModelConfig {
        if (layers.size() != nLayer) {
            throw new IllegalArgumentException(layers.size() + " layer shapes for " + nLayer + " layers");
        }
        for (int il = 0; il < nLayer; il++) {
            LayerShape s = layers.get(il);
            if (s.nHead() % s.nKvHead() != 0) {
                throw new UnsupportedModelException("layer " + il + ": head_count " + s.nHead()
                        + " is not a multiple of head_count_kv " + s.nKvHead());
            }
            if (s.ropeDims() > s.headDim() || s.ropeDims() % 2 != 0) {
                throw new UnsupportedModelException("layer " + il + ": rope.dimension_count " + s.ropeDims()
                        + " must be even and at most the head size " + s.headDim());
            }
        }
    }

    /** Reads the hyperparameters of {@code general.architecture}; nVocab comes from token_embd. */
    public static ModelConfig fromMetadata(GgufMetadata m, int nVocab) {
        Architecture arch = Architecture.byName(m.string("general.architecture"));
        String p = arch.ggufName + ".";
        int nEmbd = m.intIn(p + "embedding_length", 1, MAX_DIM);
        int nLayer = m.intIn(p + "block_count", 1, 4096);
        int ctx = m.intIn(p + "context_length", 1, 1 << 24);
        float freqScale = ropeFreqScale(m, p);
        if (arch == Architecture.GEMMA4) {
            return Gemma4Config.read(m, arch, nVocab, nEmbd, nLayer, ctx, freqScale);
        }
        int nHead = m.intIn(p + "attention.head_count", 1, 4096);
        int nKvHead = m.intIn(p + "attention.head_count_kv", 1, 4096, nHead);
        int headDim = m.intIn(p + "attention.key_length", 1, MAX_DIM, nEmbd / nHead);
        int headDimV = m.intIn(p + "attention.value_length", 1, MAX_DIM, headDim);
        if (headDimV != headDim) {
            throw new UnsupportedModelException(p + "attention.value_length " + headDimV
                    + " differs from key_length " + headDim + "; not supported");
        }
        // qwen35moe has no dense FFN (and real files no feed_forward_length): nFf is its shared expert's width
        int nFf = arch == Architecture.QWEN35MOE && m.has(p + "expert_shared_feed_forward_length")
                ? m.intIn(p + "expert_shared_feed_forward_length", 1, MAX_DIM) : feedForwardLength(m, p + "feed_forward_length");
        ExpertConfig experts = ExpertConfig.read(m, p, arch, nFf);
        float eps = m.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f);
        int ropeDims = m.intIn(p + "rope.dimension_count", 2, MAX_DIM, headDim);
        float ropeBase = m.getFloat(p + "rope.freq_base", 10000f);

        int window = 0;
        int pattern = 0;
        float ropeBaseSwa = ropeBase;
        float embedScale = 1f;
        float queryScale = 1f;
        float attnScale = (float) (1.0 / Math.sqrt(headDim));
        if (arch == Architecture.GEMMA3) {
            // llama.cpp: 5 sliding + 1 global per 6 layers, sliding layers use base 1e4 and no scaling.
            window = m.intIn(p + "attention.sliding_window", 1, 1 << 24);
            pattern = 6;
            ropeBaseSwa = 10000f;
            embedScale = (float) Math.sqrt(nEmbd);
            // Gemma 3 27B (62 layers) scales by n_embd / n_head instead of the head size.
            int scaleDim = nLayer == 62 ? nEmbd / nHead : headDim;
            queryScale = (float) (1.0 / Math.sqrt(scaleDim));
            attnScale = 1f;
        }
        DeltaNetConfig deltaNet = null;
        if (arch.hybrid()) {
            int blocks = nLayer;
            nLayer -= m.intIn(p + "nextn_predict_layers", 0, blocks - 1, 0);
            checkTextRopeSections(m, p + "rope.dimension_sections", ropeDims);
            deltaNet = DeltaNetConfig.fromMetadata(m, p, nLayer, blocks);
        }
        List<LayerShape> layers = new ArrayList<>(nLayer);
        for (int il = 0; il < nLayer; il++) {
            boolean sliding = pattern > 0 && il % pattern < pattern - 1;
            layers.add(new LayerShape(nHead, nKvHead, headDim, nFf, ropeDims, sliding ? ropeBaseSwa : ropeBase,
                    sliding ? 1f : freqScale, true, sliding, il)); // rope_freqs, where the file has it, on every layer
        }
        return new ModelConfig(arch, nVocab, nEmbd, nLayer, nHead, nKvHead, headDim, nFf, ctx, eps,
                ropeDims, ropeBase, freqScale, ropeBaseSwa, window, pattern, embedScale, queryScale, attnScale,
                List.copyOf(layers), 0, 0f, experts, deltaNet);
    }

    /**
     * IMROPE (qwen35) gives rotated pair i the text position when its sector {@code i mod sum(sections)}
     * falls in one of the first three streams (ggml_mrope_cache_init); a text-only engine runs plain NeoX
     * RoPE, which is exact only when every pair does.
     */
    private static void checkTextRopeSections(GgufMetadata m, String key, int ropeDims) {
        int[] sec = m.has(key) ? m.intArray(key) : null;
        if (sec == null || sec.length != 4) {
            throw new UnsupportedModelException(key + " must be an array of 4 integers (IMROPE sections)");
        }
        int total = sec[0] + sec[1] + sec[2] + sec[3];
        for (int i = 0; i < ropeDims / 2; i++) {
            int s = total == 0 ? 0 : i % total;
            boolean text = (s % 3 == 0 && s < 3 * sec[0]) || (s % 3 == 1 && s < 3 * sec[1]) || (s % 3 == 2 && s < 3 * sec[2]);
            if (!text) {
                throw new UnsupportedModelException(key + " " + java.util.Arrays.toString(sec) + " leaves rotary pair " + i
                        + " without the text position; only sections that rotate every pair by it are supported");
            }
        }
    }

    private static int feedForwardLength(GgufMetadata m, String key) {
        int[] perLayer = m.has(key) && !m.get(key).type().isInteger() ? m.intArray(key) : null;
        if (perLayer == null) {
            return m.intIn(key, 1, MAX_DIM);
        }
        for (int v : perLayer) {
            if (v != perLayer[0]) {
                throw new UnsupportedModelException(key + " differs between layers; not supported");
            }
        }
        return perLayer[0];
    }

    private static float ropeFreqScale(GgufMetadata m, String p) {
        String type = m.optString(p + "rope.scaling.type").orElse("none");
        if (!type.equals("none") && !type.equals("linear")) {
            throw new UnsupportedModelException(p + "rope.scaling.type '" + type + "' is not supported (none, linear)");
        }
        float factor = m.getFloat(p + "rope.scaling.factor", 0f);
        if (factor == 0f) {
            factor = m.getFloat(p + "rope.scale_linear", 0f);
        }
        return factor == 0f ? 1f : 1f / factor;
    }

    /** The shape of layer {@code il}. */
    public LayerShape layer(int il) {
        return layers.get(il);
    }

    /** Elements of the widest query row (all heads) over the layers. */
    public int qDim() {
        return layers.stream().mapToInt(LayerShape::qDim).max().orElse(0);
    }

    /** Elements of the widest key or value row (all KV heads) over the layers. */
    public int kvDim() {
        return layers.stream().mapToInt(LayerShape::kvDim).max().orElse(0);
    }

    /** Whether layer {@code il} attends through the sliding window. */
    public boolean isSlidingLayer(int il) {
        return slidingWindow > 0 && layers.get(il).sliding();
    }
}
