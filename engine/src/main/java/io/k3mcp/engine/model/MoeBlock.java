package io.k3mcp.engine.model;

import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.ExpertRoutes;
import io.k3mcp.kernels.Kernels;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The mixture-of-experts feed-forward sub-block of one layer (llama.cpp's {@code build_moe_ffn}): router
 * logits, the gating's choice of experts and weights per token, the chosen experts' SwiGLU FFNs for the
 * whole batch (one expert product per projection), and per token the weighted sum of its experts'
 * outputs in slot order; qwen35moe adds a shared expert scaled by sigmoid(ffn_gate_inp_shexp . x). Reads
 * {@code buf.xb}, leaves its output in {@code buf.proj}.
 */
final class MoeBlock {
    private final ModelConfig c;
    private final Kernels kernels;
    private final ExpertGating gating;
    private final FeedForwardBlock sharedFfn;
    private FloatBuffer sharedLogit;   // (T): the shared expert's gate input
    private FloatBuffer sharedGate;    // (T, E): that logit repeated over the token's row

    MoeBlock(ModelConfig c, Kernels kernels) {
        this(c, kernels, ExpertGating.forArchitecture(c.arch()));
    }

    MoeBlock(ModelConfig c, Kernels kernels, ExpertGating gating) {
        this.c = c;
        this.kernels = kernels;
        this.gating = gating;
        this.sharedFfn = new FeedForwardBlock(c, kernels);
    }

    /**
     * The block's steps; an architecture's extras join between them (a shared expert added to
     * {@code buf.proj} after the weighted sum, gating scales applied to the weights after routing).
     */
    void run(ForwardBuffers buf, MoeWeights mw, int n) {
        run(buf, mw, buf.xb, buf.xb, buf.proj, n);
        if (mw.shared() != null) {
            addSharedExpert(buf, mw.shared(), n);
        }
    }

    /** Routes on {@code routerIn}, runs the experts on {@code expertIn}, leaves the weighted sum in {@code result}. */
    void run(ForwardBuffers buf, MoeWeights mw, FloatBuffer routerIn, FloatBuffer expertIn, FloatBuffer result, int n) {
        ExpertRoutes routes = route(buf, mw, routerIn, n);
        float[] weights = buf.expertWeights;
        int e = c.nEmbd();
        int f = c.experts().nFfExp();
        int k = routes.nUsed();
        if (mw.up() == null) {
            // fused gate|up slabs (gemma4): each pair's row holds its gate then its up values
            mw.gate().multiply(kernels, expertIn, false, routes, buf.expertGateUp);
            for (int p = 0; p < n * k; p++) {
                activation(Buffers.slice(buf.expertGateUp, 2 * p * f, f), Buffers.slice(buf.expertGateUp, (2 * p + 1) * f, f),
                        Buffers.slice(buf.expertHidden, p * f, f), f);
            }
        } else {
            ExpertMatrix.multiplyPair(kernels, mw.gate(), mw.up(), expertIn, routes, buf.expertGate, buf.expertUp);
            activation(buf.expertGate, buf.expertUp, buf.expertHidden, n * k * f);
        }
        mw.down().multiply(kernels, buf.expertHidden, true, routes, buf.expertOut);
        FloatBuffer expertScale = mw.gemma4() == null ? null : mw.gemma4().expertScale();
        // ggml multiplies each expert's output by its scale and its weight, then adds them up from slot 0
        for (int t = 0; t < n; t++) {
            FloatBuffer out = Buffers.slice(result, t * e, e);
            for (int s = 0; s < k; s++) {
                FloatBuffer y = Buffers.slice(buf.expertOut, (t * k + s) * e, e);
                if (expertScale != null) {
                    kernels.scale(y, expertScale.get(routes.experts()[t * k + s]), e);
                }
                kernels.scale(y, weights[t * k + s], e);
                if (s == 0) {
                    out.put(0, y, 0, e);
                } else {
                    kernels.add(out, y, out, e);
                }
            }
        }
    }

    private void activation(FloatBuffer gate, FloatBuffer up, FloatBuffer out, int n) {
        if (c.arch().gegluFfn) {
            kernels.geglu(gate, up, out, n);
        } else {
            kernels.swiglu(gate, up, out, n);
        }
    }

    /** llama.cpp (qwen35moe): moe_out + ffn_shexp(x) * sigmoid(ffn_gate_inp_shexp . x); buf.projB is free here. */
    private void addSharedExpert(ForwardBuffers buf, SharedExpertWeights s, int n) {
        int e = c.nEmbd();
        sharedFfn.run(buf, s.gate(), s.up(), s.down(), buf.projB, n);
        if (sharedLogit == null || sharedLogit.capacity() < n) {
            sharedLogit = Buffers.floats(n);
            sharedGate = Buffers.floats(n * e);
        }
        s.gateInp().multiply(kernels, buf.xb, sharedLogit, n);
        float[] row = new float[e];
        for (int t = 0; t < n; t++) {
            Arrays.fill(row, sharedLogit.get(t));
            sharedGate.put(t * e, row);
        }
        kernels.sigmoidMul(buf.projB, sharedGate, buf.projB, n * e);
        kernels.add(buf.proj, buf.projB, buf.proj, n * e);
    }

    /** Router logits through the (F32) router matrix, then each token's experts and weights by the gating. */
    private ExpertRoutes route(ForwardBuffers buf, MoeWeights mw, FloatBuffer routerIn, int n) {
        int nExpert = c.experts().nExpert();
        int k = c.experts().nUsed();
        mw.router().multiply(kernels, routerIn, buf.routerLogits, n);
        int[] ids = new int[n * k];
        float[] logits = new float[nExpert];
        for (int t = 0; t < n; t++) {
            buf.routerLogits.get(t * nExpert, logits);
            gating.route(logits, k, ids, buf.expertWeights, t * k);
        }
        return new ExpertRoutes(ids, n, k);
    }
}
