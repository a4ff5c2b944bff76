package io.k3mcp.engine.model;

import io.k3mcp.kernels.Kernels;

import java.nio.FloatBuffer;

/**
 * The attention sub-block of one layer: Q/K/V projections (+ biases), per-head q/k norms, RoPE, the
 * cache write, scaled dot-product attention, the sigmoid output gate of hybrids (qwen35: attn_q
 * yields each head's query then its gate) and the output projection. Reads the normalised input
 * {@code buf.xb}, leaves its output in {@code buf.proj}; the transformer adds the residual.
 */
final class AttentionBlock {
    private final ModelConfig c;
    private final Kernels kernels;
    private final FloatBuffer ropeFreqs;

    /** @param ropeFreqs the model's RoPE frequency factors, or null */
    AttentionBlock(ModelConfig c, Kernels kernels, FloatBuffer ropeFreqs) {
        this.c = c;
        this.kernels = kernels;
        this.ropeFreqs = ropeFreqs;
    }

    void run(ForwardBuffers buf, int il, LayerWeights lw, KvCache cache, int pos0, int n) {
        int d = c.headDim();
        boolean sliding = c.isSlidingLayer(il);
        float ropeBase = sliding ? c.ropeBaseSwa() : c.ropeBase();
        float freqScale = sliding ? 1f : c.ropeFreqScale();

        FloatBuffer q = project(lw.wq(), lw.bq(), buf.xb, buf.q, n);
        if (buf.attGate != null) {
            q = splitQueryAndGate(buf, n);
        }
        FloatBuffer k = project(lw.wk(), lw.bk(), buf.xb, buf.k, n);
        FloatBuffer v = project(lw.wv(), lw.bv(), buf.xb, buf.v, n);
        if (lw.qNorm() != null) {
            kernels.rmsNorm(q, lw.qNorm(), buf.qb, d, n * c.nHead(), c.normEps());
            q = buf.qb;
        }
        if (lw.kNorm() != null) {
            kernels.rmsNorm(k, lw.kNorm(), buf.kb, d, n * c.nKvHead(), c.normEps());
            k = buf.kb;
        }
        kernels.rope(q, n, c.nHead(), d, c.ropeDims(), pos0, ropeBase, freqScale, c.arch().ropeNeox, ropeFreqs);
        kernels.rope(k, n, c.nKvHead(), d, c.ropeDims(), pos0, ropeBase, freqScale, c.arch().ropeNeox, ropeFreqs);
        if (c.queryScale() != 1f) {
            kernels.scale(q, c.queryScale(), n * c.qDim());
        }

        // keys and values go through the cache (F16 rounding included) before attention reads them
        cache.write(kernels, il, pos0, k, v, n, c.kvDim());
        kernels.attention(q, cache.keys(il), cache.values(il), cache.type(), buf.att, n, pos0, pos0 + n,
                c.nHead(), c.nKvHead(), d, c.attnScale(), true, sliding ? c.slidingWindow() : 0);
        if (buf.attGate != null) {
            kernels.sigmoidMul(buf.att, buf.attGate, buf.att, n * c.qDim());
        }
        lw.wo().multiply(kernels, buf.att, buf.proj, n);
    }

    /** De-interleaves buf.q's (query, gate) head pairs: queries into buf.att (free until attention), gates into buf.attGate. */
    private FloatBuffer splitQueryAndGate(ForwardBuffers buf, int n) {
        int d = c.headDim();
        for (int r = 0; r < n * c.nHead(); r++) {
            buf.att.put(r * d, buf.q, 2 * r * d, d);
            buf.attGate.put(r * d, buf.q, (2 * r + 1) * d, d);
        }
        return buf.att;
    }

    private FloatBuffer project(Matrix m, FloatBuffer bias, FloatBuffer in, FloatBuffer out, int n) {
        m.multiply(kernels, in, out, n);
        if (bias != null) {
            kernels.addBias(out, bias, m.rows(), n);
        }
        return out;
    }
}
