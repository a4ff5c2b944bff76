package io.k3mcp.engine.model;

import java.util.function.UnaryOperator;

/**
 * The mixture-of-experts FFN of one layer. Shapes as rows x cols; E = n_embd, X = n_expert,
 * F = expert width.
 *
 * @param router {@code ffn_gate_inp} (X, E), F32 in converted files: one logit per expert
 * @param gate   {@code ffn_gate_exps}, X slabs of (F, E)
 * @param up     {@code ffn_up_exps}, X slabs of (F, E)
 * @param down   {@code ffn_down_exps}, X slabs of (E, F)
 * @param shared the gated shared expert (qwen35moe), or null
 */
public record MoeWeights(Matrix router, ExpertMatrix gate, ExpertMatrix up, ExpertMatrix down, SharedExpertWeights shared) {

    /** These weights with the router through {@code dense} and the expert tensors through {@code experts}. */
    MoeWeights map(UnaryOperator<Matrix> dense, UnaryOperator<ExpertMatrix> experts) {
        return new MoeWeights(dense.apply(router), experts.apply(gate), experts.apply(up), experts.apply(down),
                shared == null ? null : shared.map(dense));
    }
}
