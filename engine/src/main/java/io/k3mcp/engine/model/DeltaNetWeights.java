package io.k3mcp.engine.model;

import java.nio.FloatBuffer;
import java.util.function.UnaryOperator;

/**
 * The mixer weights of one gated delta-net layer (Qwen3.5). Shapes as rows x cols; E = n_embd, S = state
 * size, C = conv channels (2 S nKHeads + S nVHeads), V = S nVHeads.
 */
public record DeltaNetWeights(
        Matrix qkv,            // attn_qkv (C, E): q heads, k heads, v heads
        Matrix gate,           // attn_gate (V, E): z
        FloatBuffer conv,      // ssm_conv1d (C, dConv) F32
        FloatBuffer dtBias,    // ssm_dt.bias (nVHeads)
        FloatBuffer a,         // ssm_a (nVHeads) = -exp(A_log)
        Matrix beta,           // ssm_beta (nVHeads, E)
        Matrix alpha,          // ssm_alpha (nVHeads, E)
        FloatBuffer norm,      // ssm_norm (S), shared by the V heads
        Matrix out) {          // ssm_out (E, V)

    DeltaNetWeights withMatrices(UnaryOperator<Matrix> f) {
        return new DeltaNetWeights(f.apply(qkv), f.apply(gate), conv, dtBias, a, f.apply(beta), f.apply(alpha), norm, f.apply(out));
    }
}
