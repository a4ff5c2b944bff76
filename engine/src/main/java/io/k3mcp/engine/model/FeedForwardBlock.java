package io.k3mcp.engine.model;

import io.k3mcp.kernels.Kernels;

import java.nio.FloatBuffer;

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
        run(buf, lw.w1(), lw.w3(), lw.w2(), buf.proj, n);
    }

    /** The same FFN with other weights (qwen35moe's shared expert) into {@code out}. */
    void run(ForwardBuffers buf, Matrix gate, Matrix up, Matrix down, FloatBuffer out, int n) {
        int f = gate.rows();
        gate.multiply(kernels, buf.xb, buf.gate, n);
        up.multiply(kernels, buf.xb, buf.up, n);
        if (c.arch().gegluFfn) {
            kernels.geglu(buf.gate, buf.up, buf.hidden, n * f);
        } else {
            kernels.swiglu(buf.gate, buf.up, buf.hidden, n * f);
        }
        down.multiply(kernels, buf.hidden, out, n);
    }
}
