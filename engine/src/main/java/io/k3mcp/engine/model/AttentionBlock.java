package io.k3mcp.engine.model;

import io.k3mcp.kernels.Kernels;

import java.nio.FloatBuffer;

/**
 * The attention sub-block of one layer: Q/K/V projections (+ biases), per-head q/k norms (and gemma4's
 * weight-less v norm), RoPE, the cache write, scaled dot-product attention and the output projection.
 * Head counts, head size and RoPE come from the layer's {@link LayerShape}; a shared-KV layer computes
 * no K/V and attends over its source layer's rows. Reads the normalised input {@code buf.xb}, leaves its
 * output in {@code buf.proj}; the transformer adds the residual. Hybrids (qwen35) gate the output: attn_q yields
 * each head's query then its gate, and sigmoid(gate) multiplies the attention output.
 */
final class AttentionBlock {
    private final ModelConfig c;
    private final Kernels kernels;
    private final FloatBuffer ropeFreqs;

    AttentionBlock(ModelConfig c, Kernels kernels, FloatBuffer ropeFreqs) {
        this.c = c;
        this.kernels = kernels;
        this.ropeFreqs = ropeFreqs;
    }

    void run(ForwardBuffers buf, int il, LayerWeights lw, KvCache cache, int pos0, int n) {
        LayerShape s = c.layer(il);
        int d = s.headDim();
        FloatBuffer factors = s.ropeFreqs() ? ropeFreqs : null;

        FloatBuffer q = project(lw.wq(), lw.bq(), buf.xb, buf.q, n);
        if (buf.attGate != null) {
            q = splitQueryAndGate(buf, n);
        }
        if (lw.qNorm() != null) {
            kernels.rmsNorm(q, lw.qNorm(), buf.qb, d, n * s.nHead(), c.normEps());
            q = buf.qb;
        }
        kernels.rope(q, n, s.nHead(), d, s.ropeDims(), pos0, s.ropeBase(), s.freqScale(), c.arch().ropeNeox, factors);
        if (c.queryScale() != 1f) {
            kernels.scale(q, c.queryScale(), n * s.qDim());
        }
        KvRotation rot = cache.rotation();
        if (rot.k() > 0) {
            kernels.hadamard(q, rot.k(), n * s.qDim() / rot.k());
        }
        if (s.kvLayer() == il) {
            writeKeysValues(buf, il, lw, s, cache, pos0, n, factors);
        }
        int first = cache.firstPosition(s.kvLayer());
        kernels.attention(q, cache.keys(s.kvLayer()), cache.values(s.kvLayer()), cache.type(), buf.att, n, pos0 - first,
                pos0 + n - first, s.nHead(), s.nKvHead(), d, c.attnScale(), true, s.sliding() ? c.slidingWindow() : 0);
        if (rot.v() > 0) {
            kernels.hadamard(buf.att, rot.v(), n * s.qDim() / rot.v());
        }
        // the hybrids' output gate multiplies the attention output once it is back in the unrotated basis
        if (buf.attGate != null) {
            kernels.sigmoidMul(buf.att, buf.attGate, buf.att, n * s.qDim());
        }
        lw.wo().multiply(kernels, buf.att, buf.proj, n);
    }

    private void writeKeysValues(ForwardBuffers buf, int il, LayerWeights lw, LayerShape s, KvCache cache, int pos0, int n,
                                 FloatBuffer factors) {
        int d = s.headDim();
        FloatBuffer k = project(lw.wk(), lw.bk(), buf.xb, buf.k, n);
        // gemma4 k_eq_v layers have no attn_v: V is the raw K projection, taken before K's norm and RoPE
        FloatBuffer v = lw.wv() == null ? buf.k : project(lw.wv(), lw.bv(), buf.xb, buf.v, n);
        if (lw.kNorm() != null) {
            kernels.rmsNorm(k, lw.kNorm(), buf.kb, d, n * s.nKvHead(), c.normEps());
            k = buf.kb;
        }
        if (c.arch() == Architecture.GEMMA4) {
            kernels.rmsNorm(v, null, buf.vb, d, n * s.nKvHead(), c.normEps());
            v = buf.vb;
        }
        kernels.rope(k, n, s.nKvHead(), d, s.ropeDims(), pos0, s.ropeBase(), s.freqScale(), c.arch().ropeNeox, factors);
        KvRotation rot = cache.rotation();
        if (rot.k() > 0) {
            if (v == k) {
                throw new IllegalStateException("layer " + il + ": V shares K's buffer, so K's rotation would rotate V too");
            }
            kernels.hadamard(k, rot.k(), n * s.kvDim() / rot.k());
            kernels.hadamard(v, rot.v(), n * s.kvDim() / rot.v());
        }
        // keys and values go through the cache (F16 rounding, or quantisation) before attention reads them
        cache.write(kernels, il, pos0, k, v, n, s.kvDim());
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
