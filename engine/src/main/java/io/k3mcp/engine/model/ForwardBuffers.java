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
    final FloatBuffer att;     // attention output (T, nHead*D)
    final FloatBuffer gate;    // (T, F)
    final FloatBuffer up;      // (T, F)
    final FloatBuffer hidden;  // activation of gate times up (T, F)

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
        att = Buffers.floats(tokens * c.qDim());
        gate = Buffers.floats(tokens * c.nFf());
        up = Buffers.floats(tokens * c.nFf());
        hidden = Buffers.floats(tokens * c.nFf());
    }
}
