package io.k3mcp.engine.model;

import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.ExpertRoutes;
import io.k3mcp.kernels.Kernels;

import java.nio.FloatBuffer;

/**
 * The mixture-of-experts feed-forward sub-block of one layer (llama.cpp's {@code build_moe_ffn}): router
 * logits, the gating's choice of experts and weights per token, the chosen experts' SwiGLU FFNs for the
 * whole batch (one expert product per projection), and per token the weighted sum of its experts'
 * outputs in slot order. Reads {@code buf.xb}, leaves its output in {@code buf.proj}.
 */
final class MoeBlock {
    private final ModelConfig c;
    private final Kernels kernels;
    private final ExpertGating gating;

    MoeBlock(ModelConfig c, Kernels kernels) {
        this(c, kernels, ExpertGating.forArchitecture(c.arch()));
    }

    MoeBlock(ModelConfig c, Kernels kernels, ExpertGating gating) {
        this.c = c;
        this.kernels = kernels;
        this.gating = gating;
    }

    void run(ForwardBuffers buf, MoeWeights mw, int n) {
        ExpertRoutes routes = route(buf, mw, n);
        float[] weights = buf.expertWeights;
        int e = c.nEmbd();
        int f = c.experts().nFfExp();
        int k = routes.nUsed();
        mw.gate().multiply(kernels, buf.xb, false, routes, buf.expertGate);
        mw.up().multiply(kernels, buf.xb, false, routes, buf.expertUp);
        kernels.swiglu(buf.expertGate, buf.expertUp, buf.expertHidden, n * k * f);
        mw.down().multiply(kernels, buf.expertHidden, true, routes, buf.expertOut);
        // ggml multiplies each expert's output by its weight, then adds them up starting from slot 0
        for (int t = 0; t < n; t++) {
            FloatBuffer out = Buffers.slice(buf.proj, t * e, e);
            for (int s = 0; s < k; s++) {
                FloatBuffer y = Buffers.slice(buf.expertOut, (t * k + s) * e, e);
                kernels.scale(y, weights[t * k + s], e);
                if (s == 0) {
                    out.put(0, y, 0, e);
                } else {
                    kernels.add(out, y, out, e);
                }
            }
        }
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
