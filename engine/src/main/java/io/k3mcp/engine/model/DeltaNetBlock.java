package io.k3mcp.engine.model;

import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.Kernels;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * The gated delta-net mixer of a qwen35 recurrent layer (ARCHITECTURES.md section 3.6): the mixed q/k/v
 * projection through the causal convolution and silu, the gated delta rule per V head (the layer's
 * {@link RecurrentState} carries the window and the states between calls), a per-head RMS norm with
 * the shared ssm_norm times silu(z), and ssm_out. Reads {@code buf.xb}, leaves its output in {@code buf.proj}.
 */
final class DeltaNetBlock {
    private final ModelConfig c;
    private final DeltaNetConfig dn;
    private final Kernels kernels;

    private int tokens;
    private FloatBuffer mixed;   // attn_qkv output (T, C), pre-convolution
    private FloatBuffer conv;    // after the convolution and silu (T, C)
    private FloatBuffer z;       // attn_gate output (T, V)
    private FloatBuffer beta;    // (T, nVHeads), before the sigmoid
    private FloatBuffer alpha;   // (T, nVHeads), before softplus
    private FloatBuffer out;     // delta-rule output, then the gated norm (T, V)
    private FloatBuffer normed;  // per-head RMS norm of out (T, V)

    DeltaNetBlock(ModelConfig c, Kernels kernels) {
        this.c = c;
        this.dn = c.deltaNet();
        this.kernels = kernels;
    }

    /** Projections over all n rows; the convolution and the delta rule per segment, each over its sequence's own state. */
    void run(ForwardBuffers buf, int il, DeltaNetWeights w, List<Segment> segments, int n) {
        ensureBuffers(n);
        int s = dn.stateSize();
        w.qkv().multiply(kernels, buf.xb, mixed, n);
        w.gate().multiply(kernels, buf.xb, z, n);
        w.beta().multiply(kernels, buf.xb, beta, n);
        w.alpha().multiply(kernels, buf.xb, alpha, n);
        int cd = dn.convDim();
        int h = dn.nVHeads();
        int vd = dn.valueDim();
        for (Segment g : segments) {
            RecurrentState memory = g.cache().recurrent();
            int t0 = g.offset();
            int t = g.n();
            FloatBuffer convOut = Buffers.slice(conv, t0 * cd, t * cd);
            kernels.causalConv(memory.conv(il), Buffers.slice(mixed, t0 * cd, t * cd), w.conv(), convOut, t, cd, dn.dConv());
            kernels.gatedDeltaNet(memory.state(il), convOut, Buffers.slice(alpha, t0 * h, t * h), Buffers.slice(beta, t0 * h, t * h),
                    w.dtBias(), w.a(), Buffers.slice(out, t0 * vd, t * vd), t, dn.nKHeads(), h, s, c.normEps());
        }
        kernels.rmsNorm(out, w.norm(), normed, s, n * dn.nVHeads(), c.normEps());
        kernels.swiglu(z, normed, out, n * dn.valueDim());
        w.out().multiply(kernels, out, buf.proj, n);
    }

    private void ensureBuffers(int n) {
        if (mixed != null && tokens >= n) {
            return;
        }
        tokens = n;
        mixed = Buffers.floats(n * dn.convDim());
        conv = Buffers.floats(n * dn.convDim());
        z = Buffers.floats(n * dn.valueDim());
        beta = Buffers.floats(n * dn.nVHeads());
        alpha = Buffers.floats(n * dn.nVHeads());
        out = Buffers.floats(n * dn.valueDim());
        normed = Buffers.floats(n * dn.valueDim());
    }
}
