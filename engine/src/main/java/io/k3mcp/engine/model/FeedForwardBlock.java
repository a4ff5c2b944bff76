package io.k3mcp.engine.model;

import io.k3mcp.kernels.Kernels;

/**
 * The dense feed-forward sub-block of one layer: gate and up projections, SwiGLU or GeGLU, down
 * projection. Reads {@code buf.xb}, leaves its output in {@code buf.proj}.
 */
final class FeedForwardBlock {
    private final ModelConfig c;
    private final Kernels kernels;

    FeedForwardBlock(ModelConfig c, Kernels kernels) {
        this.c = c;
        this.kernels = kernels;
    }

    void run(ForwardBuffers buf, LayerWeights lw, int n) {
        int f = lw.w1().rows();
        lw.w1().multiply(kernels, buf.xb, buf.gate, n);
        lw.w3().multiply(kernels, buf.xb, buf.up, n);
        if (c.arch().gegluFfn) {
            kernels.geglu(buf.gate, buf.up, buf.hidden, n * f);
        } else {
            kernels.swiglu(buf.gate, buf.up, buf.hidden, n * f);
        }
        lw.w2().multiply(kernels, buf.hidden, buf.proj, n);
    }
}
