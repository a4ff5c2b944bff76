package io.k3mcp.engine.model;

import io.k3mcp.kernels.AttentionSequence;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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

    /** Projections and norms over all n rows of the batch; RoPE, the cache write and attention per sequence segment. */
    void run(ForwardBuffers buf, int il, LayerWeights lw, List<Segment> segments, int n) {
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
        for (Segment g : segments) {
            kernels.rope(rows(q, g, s.qDim()), g.n(), s.nHead(), d, s.ropeDims(), g.pos0(), s.ropeBase(), s.freqScale(),
                    c.arch().ropeNeox, factors);
        }
        if (c.queryScale() != 1f) {
            kernels.scale(q, c.queryScale(), n * s.qDim());
        }
        if (s.kvLayer() == il) {
            writeKeysValues(buf, il, lw, s, segments, n, factors);
        }
        attend(buf, q, s, segments);
        // the hybrids' output gate multiplies the attention output once it is back in the unrotated basis
        if (buf.attGate != null) {
            kernels.sigmoidMul(buf.att, buf.attGate, buf.att, n * s.qDim());
        }
        lw.wo().multiply(kernels, buf.att, buf.proj, n);
    }

    /**
     * Attention for every segment, the segments whose caches share a KV type in one kernel call. Each sequence's
     * cache has its own type, so its own rotation of q (before) and of the attention output (after).
     */
    private void attend(ForwardBuffers buf, FloatBuffer q, LayerShape s, List<Segment> segments) {
        int d = s.headDim();
        Map<GgmlType, List<AttentionSequence>> byType = new EnumMap<>(GgmlType.class);
        for (Segment g : segments) {
            KvCache cache = g.cache();
            FloatBuffer qg = rows(q, g, s.qDim());
            if (cache.rotation().k() > 0) {
                kernels.hadamard(qg, cache.rotation().k(), g.n() * s.qDim() / cache.rotation().k());
            }
            int first = cache.firstPosition(s.kvLayer());
            byType.computeIfAbsent(cache.type(), t -> new ArrayList<>()).add(new AttentionSequence(qg,
                cache.keys(s.kvLayer()), cache.values(s.kvLayer()), rows(buf.att, g, s.qDim()), g.n(), g.pos0() - first,
                g.pos0() + g.n() - first, cache.headRows(s.kvLayer())));
        }
        byType.forEach((type, seqs) -> kernels.attention(seqs, type, s.nHead(), s.nKvHead(), d, c.attnScale(), true,
            s.sliding() ? c.slidingWindow() : 0));
        for (Segment g : segments) {
            KvRotation rot = g.cache().rotation();
            if (rot.v() > 0) {
                kernels.hadamard(rows(buf.att, g, s.qDim()), rot.v(), g.n() * s.qDim() / rot.v());
            }
        }
    }

    private void writeKeysValues(ForwardBuffers buf, int il, LayerWeights lw, LayerShape s, List<Segment> segments, int n,
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
        for (Segment g : segments) {
            FloatBuffer kg = rows(k, g, s.kvDim());
            FloatBuffer vg = rows(v, g, s.kvDim());
            kernels.rope(kg, g.n(), s.nKvHead(), d, s.ropeDims(), g.pos0(), s.ropeBase(), s.freqScale(), c.arch().ropeNeox, factors);
            KvRotation rot = g.cache().rotation();
            if (rot.k() > 0) {
                if (v == k) {
                    throw new IllegalStateException("layer " + il + ": V shares K's buffer, so K's rotation would rotate V too");
                }
                kernels.hadamard(kg, rot.k(), g.n() * s.kvDim() / rot.k());
                kernels.hadamard(vg, rot.v(), g.n() * s.kvDim() / rot.v());
            }
            // keys and values go through the cache (F16 rounding, or quantisation) before attention reads them
            g.cache().write(kernels, il, g.pos0(), kg, vg, g.n(), s.kvDim());
        }
    }

    /** The segment's rows of a token-major buffer with {@code width} floats per token. */
    private static FloatBuffer rows(FloatBuffer b, Segment g, int width) {
        return Buffers.slice(b, g.offset() * width, g.n() * width);
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
