package io.k3mcp.engine.model;

import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.Kernels;

import java.nio.FloatBuffer;

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

    void run(ForwardBuffers buf, int il, DeltaNetWeights w, RecurrentState memory, int n) {
        ensureBuffers(n);
        int s = dn.stateSize();
        w.qkv().multiply(kernels, buf.xb, mixed, n);
        w.gate().multiply(kernels, buf.xb, z, n);
        w.beta().multiply(kernels, buf.xb, beta, n);
        w.alpha().multiply(kernels, buf.xb, alpha, n);
        kernels.causalConv(memory.conv(il), mixed, w.conv(), conv, n, dn.convDim(), dn.dConv());
        kernels.gatedDeltaNet(memory.state(il), conv, alpha, beta, w.dtBias(), w.a(), out, n,
                dn.nKHeads(), dn.nVHeads(), s, c.normEps());
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
