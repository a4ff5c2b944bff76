package io.k3mcp.engine.model;

import java.nio.FloatBuffer;
import java.util.function.UnaryOperator;

/**
 * The mixture-of-experts FFN of one layer. Shapes as rows x cols; E = n_embd, X = n_expert,
 * F = expert width.
 *
 * @param router {@code ffn_gate_inp} (X, E), F32 in converted files: one logit per expert
 * @param gate   {@code ffn_gate_exps}, X slabs of (F, E)
 *               or, with {@code up} null, {@code ffn_gate_up_exps}: X slabs of (2F, E), gate rows then up rows
 * @param up     {@code ffn_up_exps}, X slabs of (F, E), or null (fused into gate)
 * @param down   {@code ffn_down_exps}, X slabs of (E, F)
 * @param gemma4 what Gemma 4's experts add, or null
 * @param shared the gated shared expert (qwen35moe), or null
 */
public record MoeWeights(Matrix router, ExpertMatrix gate, ExpertMatrix up, ExpertMatrix down, Gemma4 gemma4,
                         SharedExpertWeights shared) {

    public MoeWeights(Matrix router, ExpertMatrix gate, ExpertMatrix up, ExpertMatrix down) {
        this(router, gate, up, down, null, null);
    }

    /**
     * Gemma 4's experts beside a dense MLP (llama.cpp gemma4 graph): router input {@code rms(y) / sqrt(E) * routerInputScale},
     * experts on {@code RMSNorm(y; expertsNorm)}, each expert's output times {@code expertScale[e]} (null = 1),
     * {@code RMSNorm(sum; expertsPostNorm) + RMSNorm(mlp; densePostNorm)}.
     */
    public record Gemma4(FloatBuffer routerInputScale, FloatBuffer expertScale, FloatBuffer expertsNorm,
                         FloatBuffer expertsPostNorm, FloatBuffer densePostNorm) {
    }

    /** These weights with the router through {@code dense} and the expert tensors through {@code experts}. */
    MoeWeights map(UnaryOperator<Matrix> dense, UnaryOperator<ExpertMatrix> experts) {
        return new MoeWeights(dense.apply(router), experts.apply(gate), up == null ? null : experts.apply(up),
                experts.apply(down), gemma4, shared == null ? null : shared.map(dense));
    }
}
