package io.k3mcp.engine.model;

import io.k3mcp.kernels.Buffers;

import java.nio.FloatBuffer;

/** Preallocated activations for a batch of up to {@code tokens} tokens, token-major. */
final class ForwardBuffers {
    final int tokens;
    final FloatBuffer x;       // residual stream (T, E)
    final FloatBuffer xb;      // normalised input of a sub-block (T, E)
    final FloatBuffer proj;    // attention or FFN output projected back to E (T, E)
    final FloatBuffer projB;   // its post-norm (gemma3) (T, E)
    final FloatBuffer q;       // (T, nHead*D); hybrids (T, nHead*2D): q and output gate per head
    final FloatBuffer attGate; // hybrids: the attention output gate (T, nHead*D), else null
    final FloatBuffer qb;      // q after per-head norm (T, nHead*D)
    final FloatBuffer k;       // (T, nKvHead*D)
    final FloatBuffer kb;      // k after per-head norm (T, nKvHead*D)
    final FloatBuffer v;       // (T, nKvHead*D)
    final FloatBuffer vb;      // v after per-head norm (gemma4) (T, nKvHead*D)
    final FloatBuffer att;     // attention output (T, nHead*D)
    final FloatBuffer gate;    // (T, F)
    final FloatBuffer up;      // (T, F)
    final FloatBuffer hidden;  // activation of gate times up (T, F)
    final FloatBuffer perLayerEmbd;  // gemma4 per-layer token inputs (T, L*P); empty without them
    final FloatBuffer perLayerProj;  // their projection from x, then the combined inputs (T, L*P)
    final FloatBuffer perLayer;      // the combined inputs layer-major (L, T, P)
    final FloatBuffer perLayerGate;  // a layer's gate, then gelu(gate) * input (T, P)
    // mixture of experts (null for a dense model); X = experts, K = used per token, G = expert width
    final FloatBuffer routerLogits;  // (T, X)
    final float[] expertWeights;     // (T, K): the gating's weight of each (token, slot)
    final FloatBuffer expertGate;    // (T*K, G)
    final FloatBuffer expertUp;      // (T*K, G)
    final FloatBuffer expertHidden;  // (T*K, G)
    final FloatBuffer expertOut;     // (T*K, E)
    // gemma4's experts beside a dense MLP (null otherwise)
    final FloatBuffer expertGateUp;  // fused gate|up products (T*K, 2G)
    final FloatBuffer moeDense;      // the dense MLP's normed output (T, E)
    final FloatBuffer moeRouterIn;   // (T, E)
    final FloatBuffer moeIn;         // (T, E)
    final FloatBuffer moeOut;        // (T, E)

    ForwardBuffers(ModelConfig c, int tokens) {
        this.tokens = tokens;
        int e = tokens * c.nEmbd();
        x = Buffers.floats(e);
        xb = Buffers.floats(e);
        proj = Buffers.floats(e);
        projB = Buffers.floats(e);
        q = Buffers.floats(tokens * c.qDim() * (c.arch().hybrid() ? 2 : 1));
        attGate = c.arch().hybrid() ? Buffers.floats(tokens * c.qDim()) : null;
        qb = Buffers.floats(tokens * c.qDim());
        k = Buffers.floats(tokens * c.kvDim());
        kb = Buffers.floats(tokens * c.kvDim());
        v = Buffers.floats(tokens * c.kvDim());
        vb = Buffers.floats(tokens * c.kvDim());
        att = Buffers.floats(tokens * c.qDim());
        gate = Buffers.floats(tokens * c.nFf());
        up = Buffers.floats(tokens * c.nFf());
        hidden = Buffers.floats(tokens * c.nFf());
        int lp = c.perLayerInput() * c.nLayer();
        perLayerEmbd = Buffers.floats(tokens * lp);
        perLayerProj = Buffers.floats(tokens * lp);
        perLayer = Buffers.floats(tokens * lp);
        perLayerGate = Buffers.floats(tokens * c.perLayerInput());
        ExpertConfig x = c.experts();
        int pairs = x == null ? 0 : tokens * x.nUsed();
        routerLogits = x == null ? null : Buffers.floats(tokens * x.nExpert());
        expertWeights = x == null ? null : new float[pairs];
        expertGate = x == null ? null : Buffers.floats(pairs * x.nFfExp());
        expertUp = x == null ? null : Buffers.floats(pairs * x.nFfExp());
        expertHidden = x == null ? null : Buffers.floats(pairs * x.nFfExp());
        expertOut = x == null ? null : Buffers.floats(pairs * c.nEmbd());
        boolean beside = x != null && c.arch() == Architecture.GEMMA4;
        expertGateUp = beside ? Buffers.floats(pairs * 2 * x.nFfExp()) : null;
        moeDense = beside ? Buffers.floats(tokens * c.nEmbd()) : null;
        moeRouterIn = beside ? Buffers.floats(tokens * c.nEmbd()) : null;
        moeIn = beside ? Buffers.floats(tokens * c.nEmbd()) : null;
        moeOut = beside ? Buffers.floats(tokens * c.nEmbd()) : null;
    }
}
