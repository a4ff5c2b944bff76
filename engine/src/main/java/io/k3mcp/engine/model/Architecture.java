package io.k3mcp.engine.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The architectures the one transformer block runs, as data: what each implies that the GGUF file
 * does not state (RoPE pairing, FFN activation, Gemma's scaling and sliding-window pattern). What the
 * file does state (biases, q/k norms, tied output) is found from the tensors themselves.
 */
public enum Architecture {
    /** Llama 1/2/3, TinyLlama, llama2.c checkpoints: adjacent-pair RoPE, SwiGLU. */
    LLAMA("llama", false, false),
    /** Qwen2/2.5: like llama with q/k/v biases and NeoX RoPE. */
    QWEN2("qwen2", true, false),
    /** Qwen3: per-head q/k RMS norm, NeoX RoPE. */
    QWEN3("qwen3", true, false),
    /**
     * Gemma 3: GELU-tanh gated FFN, post-attention/post-FFN norms, sliding-window layers. HF Gemma
     * normalises with x * (1 + w); llama.cpp's converter stores 1 + w in the GGUF, so the block multiplies
     * by the stored weight exactly as for llama (the goldens confirm it).
     */
    GEMMA3("gemma3", true, true),
    /**
     * Qwen3 MoE (Qwen3-30B-A3B, Qwen3-Coder-30B-A3B): qwen3 attention, every layer a mixture of experts
     * with softmax gating over all experts and the top-k weights renormalised (hard-coded by llama.cpp).
     */
    QWEN3MOE("qwen3moe", true, false),
    /**
     * Gemma 4 (E2B/E4B, 26B-A4B): per-layer shapes and RoPE (Gemma4Config), per-layer input embeddings
     * (PerLayerEmbedding), shared-KV layers, V normalised without weight, attention scale 1, final soft-cap.
     */
    GEMMA4("gemma4", true, true),
    /**
     * Qwen3.5/3.6 dense hybrid: gated delta-net layers between gated full-attention layers (q and an
     * output gate interleaved per head in attn_q); IMROPE, which is NeoX pairing for text positions.
     */
    QWEN35("qwen35", true, false),
    /** Qwen3.5/3.6 MoE hybrid (Qwen3.6-35B-A3B): qwen35's layers with a mixture of experts plus a gated shared expert. */
    QWEN35MOE("qwen35moe", true, false);

    /** The value of {@code general.architecture}. */
    public final String ggufName;
    /** NeoX RoPE (rotate halves) rather than adjacent pairs; implied by the architecture in llama.cpp. */
    public final boolean ropeNeox;
    /** Gated GELU (tanh) feed-forward instead of SwiGLU. */
    public final boolean gegluFfn;

    Architecture(String ggufName, boolean ropeNeox, boolean gegluFfn) {
        this.ggufName = ggufName;
        this.ropeNeox = ropeNeox;
        this.gegluFfn = gegluFfn;
    }

    /** Qwen3.5 hybrids: attention with a sigmoid output gate, delta-net layers, post_attention_norm as the FFN's input norm. */
    public boolean hybrid() {
        return this == QWEN35 || this == QWEN35MOE;
    }

    /** Whether this architecture's layers route tokens to experts (the file must then have the expert keys). */
    public boolean mixtureOfExperts() {
        return this == QWEN3MOE || this == QWEN35MOE;
    }

    static String mixtureOfExpertsNames() {
        return Arrays.stream(values()).filter(a -> a.mixtureOfExperts() || a == GEMMA4).map(a -> a.ggufName).collect(Collectors.joining(", "));
    }

    /** The architecture named by {@code general.architecture}; an unknown name is rejected by name. */
    public static Architecture byName(String name) {
        for (Architecture a : values()) {
            if (a.ggufName.equals(name)) {
                return a;
            }
        }
        throw new UnsupportedModelException("architecture '" + name + "' is not supported (supported: "
                + Arrays.stream(values()).map(a -> a.ggufName).collect(Collectors.joining(", ")) + ")");
    }
}
