package io.k3mcp.engine.model;

import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.Kernels;

import java.nio.FloatBuffer;
import java.util.function.UnaryOperator;

/**
 * Gemma 4's per-layer inputs (llama.cpp gemma4 build_inp_per_layer, project_per_layer_inputs): every
 * token gets one P-wide input per layer, {@code pl_l = (RMSNorm(proj(x0)[l] / sqrt(E)) + embd[id][l] * sqrt(P)) / sqrt(2)},
 * and after its feed-forward layer l adds {@code RMSNorm(proj_l(gelu(gate_l x) * pl_l); post_norm_l)}.
 */
final class PerLayerEmbedding {
    /**
     * @param tokenEmbedding  (nVocab, P*L): row id holds the token's P-wide input of every layer
     * @param modelProjection (P*L, E): the projection of the scaled token embedding
     * @param projectionNorm  (P): the norm of each layer's chunk of that projection
     */
    record Weights(Matrix tokenEmbedding, Matrix modelProjection, FloatBuffer projectionNorm) {
        Weights withMatrices(UnaryOperator<Matrix> f) {
            return new Weights(tokenEmbedding, f.apply(modelProjection), projectionNorm);
        }
    }

    private final ModelConfig c;
    private final Kernels kernels;

    PerLayerEmbedding(ModelConfig c, Kernels kernels) {
        this.c = c;
        this.kernels = kernels;
    }

    /**
     * Computes the batch's per-layer inputs from its token ids and the scaled embeddings in {@code buf.x},
     * into {@code buf.perLayer}, layer-major ({@code [L][n][P]}) so each layer reads one contiguous run.
     */
    void inputs(ForwardBuffers buf, Weights w, int[] tokens, int from, int n) {
        int p = c.perLayerInput();
        int lp = p * c.nLayer();
        Matrix embd = w.tokenEmbedding();
        for (int t = 0; t < n; t++) {
            kernels.dequantize(embd.type(), Buffers.slice(embd.data(), (long) tokens[from + t] * embd.rowBytes(), embd.rowBytes()),
                    Buffers.slice(buf.perLayerEmbd, t * lp, lp), lp);
        }
        kernels.scale(buf.perLayerEmbd, (float) Math.sqrt(p), n * lp);
        w.modelProjection().multiply(kernels, buf.x, buf.perLayerProj, n);
        kernels.scale(buf.perLayerProj, 1f / (float) Math.sqrt(c.nEmbd()), n * lp);
        kernels.rmsNorm(buf.perLayerProj, w.projectionNorm(), buf.perLayerProj, p, n * c.nLayer(), c.normEps());
        kernels.add(buf.perLayerProj, buf.perLayerEmbd, buf.perLayerProj, n * lp);
        kernels.scale(buf.perLayerProj, 1f / (float) Math.sqrt(2), n * lp);
        // token-major [n][L][P] -> layer-major [L][n][P] (a copy, no arithmetic)
        for (int t = 0; t < n; t++) {
            for (int l = 0; l < c.nLayer(); l++) {
                buf.perLayer.put((l * n + t) * p, buf.perLayerProj, t * lp + l * p, p);
            }
        }
    }

    /** x += RMSNorm(proj(gelu(gate x) * pl_il); post_norm) for the batch's n tokens. */
    void apply(ForwardBuffers buf, LayerWeights.PerLayerInput lw, int il, int n) {
        int p = c.perLayerInput();
        int e = c.nEmbd();
        lw.gate().multiply(kernels, buf.x, buf.perLayerGate, n);
        kernels.geglu(buf.perLayerGate, Buffers.slice(buf.perLayer, il * n * p, n * p), buf.perLayerGate, n * p);
        lw.proj().multiply(kernels, buf.perLayerGate, buf.proj, n);
        kernels.rmsNorm(buf.proj, lw.postNorm(), buf.projB, e, n, c.normEps());
        kernels.add(buf.x, buf.projB, buf.x, n * e);
    }
}
