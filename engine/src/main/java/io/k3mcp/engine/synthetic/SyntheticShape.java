package io.k3mcp.engine.synthetic;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The hyperparameters of a real model, without its weights: enough to write a GGUF file that any
 * GGUF loader (k3mcp's or llama.cpp's) accepts and that costs the same to run.
 *
 * @param name       the id used on the command line, e.g. "tinyllama-1.1b"
 * @param arch       general.architecture: "llama" or "qwen3"
 * @param headDim    per-head width (n_embd / nHead for llama; 128 for qwen3 regardless of n_embd)
 * @param tiedOutput no output.weight: the output projection reuses token_embd
 * @param qkNorm     per-head RMS norms on q and k (qwen3)
 * @param tokenizer  "llama" (SentencePiece) or "gpt2" (byte-level BPE)
 * @param preTokenizer tokenizer.ggml.pre for gpt2 vocabularies ("qwen2", "llama-bpe"), null for llama
 * @param experts    mixture-of-experts widths (qwen3moe), or null for dense layers
 * @param ropeScaling Llama 3.x RoPE scaling, written as rope_freqs.weight, or null
 * @param gemma4     Gemma 4's per-layer geometry (headDim, nHeadKv, nFf are then the sliding layers'), or null
 * @param qwen35     a Qwen3.5 / 3.6 hybrid's delta-net geometry (nHead, nHeadKv, headDim: the attention layers'), or null
 */
public record SyntheticShape(String name, String arch, int nEmbd, int nLayer, int nHead, int nHeadKv, int headDim,
                             int nFf, int nVocab, int contextLength, float ropeTheta, float rmsEps,
                             boolean tiedOutput, boolean qkNorm, String tokenizer, String preTokenizer,
                             Experts experts, Llama3RopeScaling ropeScaling, Gemma4Layout gemma4, Qwen35Layout qwen35) {

    /** Experts per layer, experts each token uses, and one expert's FFN width. */
    public record Experts(int count, int used, int ffn) {
    }

    /** A dense shape without RoPE factors. */
    public SyntheticShape(String name, String arch, int nEmbd, int nLayer, int nHead, int nHeadKv, int headDim,
                          int nFf, int nVocab, int contextLength, float ropeTheta, float rmsEps,
                          boolean tiedOutput, boolean qkNorm, String tokenizer, String preTokenizer) {
        this(name, arch, nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, nVocab, contextLength, ropeTheta, rmsEps, tiedOutput,
                qkNorm, tokenizer, preTokenizer, null, null, null, null);
    }

    /** A uniform shape with experts and/or RoPE factors. */
    public SyntheticShape(String name, String arch, int nEmbd, int nLayer, int nHead, int nHeadKv, int headDim,
                          int nFf, int nVocab, int contextLength, float ropeTheta, float rmsEps,
                          boolean tiedOutput, boolean qkNorm, String tokenizer, String preTokenizer,
                          Experts experts, Llama3RopeScaling ropeScaling) {
        this(name, arch, nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, nVocab, contextLength, ropeTheta, rmsEps, tiedOutput,
                qkNorm, tokenizer, preTokenizer, experts, ropeScaling, null, null);
    }

    /** A Gemma 4 shape. */
    public SyntheticShape(String name, String arch, int nEmbd, int nLayer, int nHead, int nHeadKv, int headDim,
                          int nFf, int nVocab, int contextLength, float ropeTheta, float rmsEps,
                          boolean tiedOutput, boolean qkNorm, String tokenizer, String preTokenizer, Gemma4Layout gemma4) {
        this(name, arch, nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, nVocab, contextLength, ropeTheta, rmsEps, tiedOutput,
                qkNorm, tokenizer, preTokenizer, null, null, gemma4, null);
    }

    /**
     * A Qwen3.5 / Qwen3.6 hybrid shape (dense when experts is null). Real files say pre-tokenizer "qwen35" (qwen2's
     * regex plus \p{M}); the synthetic vocabulary is ASCII, where both split alike, and k3mcp's presets know qwen2.
     */
    public SyntheticShape(String name, String arch, int nEmbd, int nLayer, int nHead, int nHeadKv, int headDim,
                          int nFf, int nVocab, int contextLength, float ropeTheta, float rmsEps,
                          boolean tiedOutput, Experts experts, Qwen35Layout qwen35) {
        this(name, arch, nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, nVocab, contextLength, ropeTheta, rmsEps, tiedOutput,
                true, "gpt2", "qwen2", experts, null, null, qwen35);
    }

    public SyntheticShape {
        if (nEmbd <= 0 || nLayer <= 0 || nHead <= 0 || nHeadKv <= 0 || headDim <= 0 || nFf <= 0 || nVocab <= 0) {
            throw new IllegalArgumentException("shape " + name + ": every dimension must be positive");
        }
        if (nHead % nHeadKv != 0) {
            throw new IllegalArgumentException("shape " + name + ": heads " + nHead + " not a multiple of kv heads " + nHeadKv);
        }
        if (!tokenizer.equals("llama") && !tokenizer.equals("gpt2")) {
            throw new IllegalArgumentException("shape " + name + ": tokenizer must be llama or gpt2, not " + tokenizer);
        }
        if (experts != null && (experts.count() < 1 || experts.used() < 1 || experts.used() > experts.count() || experts.ffn() < 1)) {
            throw new IllegalArgumentException("shape " + name + ": " + experts + " needs 1 <= used <= count and ffn >= 1");
        }
        if (nVocab < 300) {
            throw new IllegalArgumentException("shape " + name + ": vocabulary " + nVocab + " is below the 300 tokens a byte vocabulary needs");
        }
    }

    /** Width of q (nHead * headDim), which differs from nEmbd for qwen3. */
    public int qWidth() {
        return nHead * headDim;
    }

    /** Width of k and v (nHeadKv * headDim). */
    public int kvWidth() {
        return nHeadKv * headDim;
    }

    /** The built-in shapes, with the hyperparameters of the published models' config.json. */
    public static final Map<String, SyntheticShape> KNOWN = known();

    private static Map<String, SyntheticShape> known() {
        Map<String, SyntheticShape> m = new LinkedHashMap<>();
        // TinyLlama/TinyLlama-1.1B-Chat-v1.0: Llama-2 vocabulary, untied output
        m.put("tinyllama-1.1b", new SyntheticShape("tinyllama-1.1b", "llama", 2048, 22, 32, 4, 64, 5632, 32000,
                2048, 10000f, 1e-5f, false, false, "llama", null));
        // Qwen/Qwen3-0.6B: head_dim 128 (q projects 1024 -> 2048), q/k norms, tied embeddings
        m.put("qwen3-0.6b", new SyntheticShape("qwen3-0.6b", "qwen3", 1024, 28, 16, 8, 128, 3072, 151936,
                40960, 1000000f, 1e-6f, true, true, "gpt2", "qwen2"));
        // meta-llama/Llama-3.2-1B: Llama-3 vocabulary, tied embeddings, rope theta 5e5
        m.put("llama-3.2-1b", new SyntheticShape("llama-3.2-1b", "llama", 2048, 16, 32, 8, 64, 8192, 128256,
                131072, 500000f, 1e-5f, true, false, "gpt2", "llama-bpe", null, Llama3RopeScaling.LLAMA_3));
        // Qwen/Qwen3-4B: 36 layers, 32/8 heads of 128, tied embeddings
        m.put("qwen3-4b", new SyntheticShape("qwen3-4b", "qwen3", 2560, 36, 32, 8, 128, 9728, 151936,
                40960, 1000000f, 1e-6f, true, true, "gpt2", "qwen2"));
        // Qwen/Qwen3-30B-A3B: 48 layers, 32/4 heads of 128, 128 experts of width 768, 8 used, untied output
        m.put("qwen3-30b-a3b", new SyntheticShape("qwen3-30b-a3b", "qwen3moe", 2048, 48, 32, 4, 128, 6144, 151936,
                40960, 1000000f, 1e-6f, false, true, "gpt2", "qwen2", new Experts(128, 8, 768), null));
        // google/gemma-4-E2B: 35 layers (4 sliding, 1 full), heads 8 / KV 1 of 256 (full 512), window 512,
        // the last 20 layers share KV (double-wide FFN there), per-layer inputs of 256, tied
        m.put("gemma4-e2b", new SyntheticShape("gemma4-e2b", "gemma4", 1536, 35, 8, 1, 256, 6144, 262144,
                131072, 1000000f, 1e-6f, true, true, "llama", null,
                new Gemma4Layout(512, 1, 512, 5, 20, 256, true, false, 0, 0, 0)));
        // google/gemma-4-26B-A4B: 30 layers (5 sliding, 1 full), heads 16 / KV 8 of 256 (full: 2 of 512, K = V),
        // window 1024, dense FFN 2112 beside 128 experts of 704 (top 8), tied
        m.put("gemma4-26b-a4b", new SyntheticShape("gemma4-26b-a4b", "gemma4", 2816, 30, 16, 8, 256, 2112, 262144,
                262144, 1000000f, 1e-6f, true, true, "llama", null,
                new Gemma4Layout(512, 2, 1024, 6, 0, 0, false, true, 128, 8, 704)));
        // Qwen/Qwen3.5-0.8B and -2B text_config (hidden 1024 / 2048, 24 layers, 8 / 2 heads, intermediate 3584 / 6144,
        // 16 V heads, tied embeddings); the rest as every Qwen3.5 config: head_dim 256, partial_rotary_factor 0.25,
        // rope_theta 1e7, linear heads 16 K of 128, V of 128, conv kernel 4, full_attention_interval 4, vocab 248320
        Qwen35Layout small = new Qwen35Layout(4, 128, 16, 16, 4, 64, 0);
        m.put("qwen3.5-0.8b", new SyntheticShape("qwen3.5-0.8b", "qwen35", 1024, 24, 8, 2, 256, 3584, 248320, 262144,
                10000000f, 1e-6f, true, null, small));
        m.put("qwen3.5-2b", new SyntheticShape("qwen3.5-2b", "qwen35", 2048, 24, 8, 2, 256, 6144, 248320, 262144,
                10000000f, 1e-6f, true, null, small));
        // Qwen/Qwen3.5-35B-A3B and Qwen/Qwen3.6-35B-A3B text_config (the same architecture and values): hidden 2048,
        // 40 layers (full_attention_interval 4), 16 / 2 heads of head_dim 256, partial_rotary_factor 0.25 (64 dims),
        // rope_theta 1e7, rms_norm_eps 1e-6, linear heads 16 K / 32 V of 128, conv kernel 4, 256 experts of 512
        // (8 used) plus a shared expert of 512, vocab 248320, untied output, max_position_embeddings 262144
        Qwen35Layout a3b = new Qwen35Layout(4, 128, 16, 32, 4, 64, 512);
        for (String n : new String[] {"qwen3.5-35b-a3b", "qwen3.6-35b-a3b"}) {
            m.put(n, new SyntheticShape(n, "qwen35moe", 2048, 40, 16, 2, 256, 512, 248320, 262144, 10000000f, 1e-6f,
                    false, new Experts(256, 8, 512), a3b));
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** A built-in shape by name (case-insensitive). */
    public static SyntheticShape byName(String name) {
        SyntheticShape s = KNOWN.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown synthetic shape '" + name + "' (known: " + String.join(", ", KNOWN.keySet()) + ")");
        }
        return s;
    }

    /**
     * The first {@code layers} layers of this shape (same widths, so the same cost per layer), named
     * "NAME-Nl"; the shape itself when {@code layers} is all of them.
     */
    public SyntheticShape withLayers(int layers) {
        if (layers < 1 || layers > nLayer) {
            throw new IllegalArgumentException("layers " + layers + " is outside 1.." + nLayer + " (the layers of " + name + ")");
        }
        return layers == nLayer ? this : new SyntheticShape(name + "-" + layers + "l", arch, nEmbd, layers, nHead, nHeadKv,
                headDim, nFf, nVocab, contextLength, ropeTheta, rmsEps, tiedOutput, qkNorm, tokenizer, preTokenizer, experts,
                ropeScaling, gemma4 == null ? null : gemma4.cut(name, nLayer, layers), qwen35);
    }

    /** Parameters in the matrices and norms (what llama.cpp reports as model_n_params). */
    public long parameterCount() {
        if (gemma4 != null || qwen35 != null) {
            return SyntheticPlan.of(this, SyntheticType.F16).tensors().stream().mapToLong(t -> t.rowLength() * t.rows()).sum();
        }
        long ffn = experts == null ? 3L * nEmbd * nFf : 3L * nEmbd * experts.ffn() * experts.count() + (long) nEmbd * experts.count();
        long perLayer = (long) nEmbd * qWidth() * 2 + (long) nEmbd * kvWidth() * 2 + ffn + 2L * nEmbd
                + (qkNorm ? 2L * headDim : 0);
        long embd = (long) nVocab * nEmbd;
        return perLayer * nLayer + embd + (tiedOutput ? 0 : embd) + nEmbd + (ropeScaling == null ? 0 : headDim / 2);
    }
}
