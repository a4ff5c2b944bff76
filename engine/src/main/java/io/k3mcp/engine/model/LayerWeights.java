package io.k3mcp.engine.model;

import java.nio.FloatBuffer;
import java.util.function.UnaryOperator;

/**
 * One transformer block's weights; optional ones are null when the file has none (which is how an
 * architecture's extras are found: biases for qwen2, q/k norms for qwen3 and gemma3, post norms for gemma3,
 * experts for a mixture-of-experts layer, which then has no dense w1/w3/w2). A gated delta-net layer
 * (qwen35) has {@code deltaNet} and no attention matrices (they are null).
 * Shapes as rows x cols; D = head size, E = n_embd, F = n_ff (all per layer in gemma4). Gemma 4's shared-KV
 * layers have no wk/wv; its k_eq_v layers no wv (V is the raw K projection).
 *
 * @param perLayerInput Gemma 4's per-layer input gate, projection and norm, or null
 * @param outputScale   multiplier of the whole residual stream after the layer (gemma4 layer_output_scale), 1 if absent
 */
public record LayerWeights(
        FloatBuffer attnNorm,      // (E)
        Matrix wq,                 // (nHead*D, E)
        Matrix wk,                 // (nKvHead*D, E) or null (shared-KV layer)
        Matrix wv,                 // (nKvHead*D, E) or null (shared-KV layer, or V = K)
        Matrix wo,                 // (E, nHead*D)
        FloatBuffer bq,            // (nHead*D) or null
        FloatBuffer bk,            // (nKvHead*D) or null
        FloatBuffer bv,            // (nKvHead*D) or null
        FloatBuffer qNorm,         // (D) or null
        FloatBuffer kNorm,         // (D) or null
        FloatBuffer postAttnNorm,  // (E) or null
        FloatBuffer ffnNorm,       // (E)
        Matrix w1,                 // gate (F, E) or null (MoE layer)
        Matrix w3,                 // up (F, E) or null
        Matrix w2,                 // down (E, F) or null
        FloatBuffer postFfnNorm,   // (E) or null
        MoeWeights moe,            // or null (dense layer)
        PerLayerInput perLayerInput,
        float outputScale,
        DeltaNetWeights deltaNet) { // recurrent mixer, or null for an attention layer

    /** Gemma 4's per-layer input step: x += post_norm(proj(gelu(gate x) * pl_il)); P = per-layer width. */
    public record PerLayerInput(Matrix gate, Matrix proj, FloatBuffer postNorm) { // (P, E), (E, P), (E)
        PerLayerInput withMatrices(UnaryOperator<Matrix> f) {
            return new PerLayerInput(f.apply(gate), f.apply(proj), postNorm);
        }
    }

    /** These weights with every matrix passed through {@code f} and every expert tensor through {@code g} (vectors kept). */
    LayerWeights withMatrices(UnaryOperator<Matrix> f, UnaryOperator<ExpertMatrix> g) {
        UnaryOperator<Matrix> opt = m -> m == null ? null : f.apply(m);
        return new LayerWeights(attnNorm, opt.apply(wq), opt.apply(wk), opt.apply(wv), opt.apply(wo), bq, bk, bv, qNorm, kNorm,
                postAttnNorm, ffnNorm, opt.apply(w1), opt.apply(w3), opt.apply(w2), postFfnNorm,
                moe == null ? null : moe.map(f, g), perLayerInput == null ? null : perLayerInput.withMatrices(f), outputScale,
                deltaNet == null ? null : deltaNet.withMatrices(f));
    }
}
