package io.k3mcp.engine.model;

import io.k3mcp.kernels.Kernels;

/**
 * Gemma 4's feed-forward on a layer with experts (26B-A4B): the dense GELU MLP and the mixture of experts
 * both read the attention output y, each is RMS-normed on its own, and their sum goes on to post_ffw_norm
 * (the transformer's residual). Reads {@code buf.x} (y) and {@code buf.xb} (RMSNorm(y; ffn_norm)), leaves
 * the sum in {@code buf.proj}.
 */
final class Gemma4FeedForward {
    private final ModelConfig c;
    private final Kernels kernels;
    private final FeedForwardBlock dense;
    private final MoeBlock experts;

    Gemma4FeedForward(ModelConfig c, Kernels kernels, FeedForwardBlock dense, MoeBlock experts) {
        this.c = c;
        this.kernels = kernels;
        this.dense = dense;
        this.experts = experts;
    }

    void run(ForwardBuffers buf, LayerWeights lw, int n) {
        int e = c.nEmbd();
        float eps = c.normEps();
        MoeWeights.Gemma4 g = lw.moe().gemma4();
        dense.run(buf, lw, n);
        kernels.rmsNorm(buf.proj, g.densePostNorm(), buf.moeDense, e, n, eps);
        // router input: rms(y) * scale / sqrt(E) (the weight-less norm of y, not the experts' input)
        kernels.rmsNorm(buf.x, g.routerInputScale(), buf.moeRouterIn, e, n, eps);
        kernels.scale(buf.moeRouterIn, 1f / (float) Math.sqrt(e), n * e);
        kernels.rmsNorm(buf.x, g.expertsNorm(), buf.moeIn, e, n, eps);
        experts.run(buf, lw.moe(), buf.moeRouterIn, buf.moeIn, buf.moeOut, n);
        kernels.rmsNorm(buf.moeOut, g.expertsPostNorm(), buf.moeOut, e, n, eps);
        kernels.add(buf.moeDense, buf.moeOut, buf.proj, n * e);
    }
}
