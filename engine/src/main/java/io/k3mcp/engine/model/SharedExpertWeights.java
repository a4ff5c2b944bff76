package io.k3mcp.engine.model;

import java.util.function.UnaryOperator;

/**
 * The shared expert of a qwen35moe layer: a SwiGLU FFN every token runs beside its routed experts, its
 * output scaled by {@code sigmoid(gateInp . x)} (one scalar per token). Shapes as rows x cols; E = n_embd,
 * F = the shared expert's width ({@code expert_shared_feed_forward_length}).
 *
 * @param gateInp {@code ffn_gate_inp_shexp} (1, E), a vector in the file
 * @param gate    {@code ffn_gate_shexp} (F, E)
 * @param up      {@code ffn_up_shexp} (F, E)
 * @param down    {@code ffn_down_shexp} (E, F)
 */
public record SharedExpertWeights(Matrix gateInp, Matrix gate, Matrix up, Matrix down) {

    SharedExpertWeights map(UnaryOperator<Matrix> f) {
        return new SharedExpertWeights(f.apply(gateInp), f.apply(gate), f.apply(up), f.apply(down));
    }
}
