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
        ExpertRoutes routes = route(buf, mw, n);
        expertFfns(buf, mw, routes);
        weightedSum(buf, routes);
        if (mw.shared() != null) {
            addSharedExpert(buf, mw.shared(), n);
        }
    }

    /** Every (token, slot)'s expert SwiGLU FFN, one expert product per projection for the whole batch. */
    private void expertFfns(ForwardBuffers buf, MoeWeights mw, ExpertRoutes routes) {
        mw.gate().multiply(kernels, buf.xb, false, routes, buf.expertGate);
        mw.up().multiply(kernels, buf.xb, false, routes, buf.expertUp);
        kernels.swiglu(buf.expertGate, buf.expertUp, buf.expertHidden, routes.pairs() * c.experts().nFfExp());
        mw.down().multiply(kernels, buf.expertHidden, true, routes, buf.expertOut);
    }

    /** proj = w_0 y_0 + ... + w_{k-1} y_{k-1} per token: ggml scales each output, then adds from slot 0 on. */
    private void weightedSum(ForwardBuffers buf, ExpertRoutes routes) {
        int e = c.nEmbd();
        int k = routes.nUsed();
        for (int t = 0; t < routes.nTokens(); t++) {
            FloatBuffer out = Buffers.slice(buf.proj, t * e, e);
            for (int s = 0; s < k; s++) {
                FloatBuffer y = Buffers.slice(buf.expertOut, (t * k + s) * e, e);
                kernels.scale(y, buf.expertWeights[t * k + s], e);
                if (s == 0) {
                    out.put(0, y, 0, e);
                } else {
                    kernels.add(out, y, out, e);
                }
            }
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
    private ExpertRoutes route(ForwardBuffers buf, MoeWeights mw, int n) {
        int nExpert = c.experts().nExpert();
        int k = c.experts().nUsed();
        mw.router().multiply(kernels, buf.xb, buf.routerLogits, n);
        int[] ids = new int[n * k];
        float[] logits = new float[nExpert];
        for (int t = 0; t < n; t++) {
            buf.routerLogits.get(t * nExpert, logits);
            gating.route(logits, k, ids, buf.expertWeights, t * k);
        }
        return new ExpertRoutes(ids, n, k);
    }
}
