package io.k3mcp.engine.model;

import io.k3mcp.kernels.Buffers;

import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The memory of a sequence's gated delta-net layers: per recurrent layer the convolution window
 * ((dConv-1) inputs per channel) and the S x S state of every V head, F32, zero at the start.
 *
 * <p>Unlike KV rows, a state cannot be cut back to an earlier position: it is the sum of everything
 * fed. So the state is copied at chosen positions ({@link #checkpoint}), and a sequence resumes only
 * from the position it is at or from such a copy; anything else starts again from zero.
 */
public final class RecurrentState {
    /** Copies kept; the oldest goes first (a session needs the end of its last prompt and of its last output). */
    static final int MAX_CHECKPOINTS = 4;

    private final FloatBuffer[] conv;
    private final FloatBuffer[] state;
    private final Deque<Checkpoint> checkpoints = new ArrayDeque<>();

    /** The layers' memory copied after the first {@code length} tokens. */
    private record Checkpoint(int length, float[][] conv, float[][] state) {
    }

    RecurrentState(ModelConfig config) {
        DeltaNetConfig dn = config.deltaNet();
        conv = new FloatBuffer[config.nLayer()];
        state = new FloatBuffer[config.nLayer()];
        for (int il = 0; il < config.nLayer(); il++) {
            if (dn.isRecurrent(il)) {
                conv[il] = Buffers.floats((dn.dConv() - 1) * dn.convDim());
                state[il] = Buffers.floats(dn.nVHeads() * dn.stateSize() * dn.stateSize());
            }
        }
    }

    /**
     * Bytes a sequence's recurrent memory takes at most: every recurrent layer's convolution window and states, F32,
     * once live and once per checkpoint kept. Constant in the context length, unlike KV rows.
     */
    static long bytesFor(ModelConfig config) {
        DeltaNetConfig dn = config.deltaNet();
        if (dn == null) {
            return 0;
        }
        long floats = 0;
        for (int il = 0; il < config.nLayer(); il++) {
            if (dn.isRecurrent(il)) {
                floats += (long) (dn.dConv() - 1) * dn.convDim() + (long) dn.nVHeads() * dn.stateSize() * dn.stateSize();
            }
        }
        return Float.BYTES * floats * (1 + MAX_CHECKPOINTS);
    }

    /** {@link #bytesFor} of this state, from the buffers it holds. */
    long bytes() {
        long floats = 0;
        for (int il = 0; il < conv.length; il++) {
            if (conv[il] != null) {
                floats += conv[il].capacity() + (long) state[il].capacity();
            }
        }
        return Float.BYTES * floats * (1 + MAX_CHECKPOINTS);
    }

    FloatBuffer conv(int layer) {
        return conv[layer];
    }

    FloatBuffer state(int layer) {
        return state[layer];
    }

    /** Copies the current memory as the state after {@code length} tokens (replacing a copy at that length). */
    void checkpoint(int length) {
        checkpoints.removeIf(c -> c.length == length);
        if (checkpoints.size() == MAX_CHECKPOINTS) {
            checkpoints.removeFirst();
        }
        checkpoints.addLast(new Checkpoint(length, copy(conv), copy(state)));
    }

    /** The longest checkpointed length at most {@code max}, or 0 when there is none. */
    int longestCheckpoint(int max) {
        int best = 0;
        for (Checkpoint c : checkpoints) {
            if (c.length <= max) {
                best = Math.max(best, c.length);
            }
        }
        return best;
    }

    /** Restores the copy made at {@code length} (0 = zeros) and forgets the copies after it. */
    void restore(int length) {
        checkpoints.removeIf(c -> c.length > length);
        if (length == 0) {
            zero(conv);
            zero(state);
            return;
        }
        Checkpoint cp = checkpoints.stream().filter(c -> c.length == length).findFirst().orElseThrow(() ->
                new IllegalArgumentException("the recurrent state has no checkpoint at " + length + " tokens (held: "
                        + checkpoints.stream().map(c -> String.valueOf(c.length)).toList() + "); it cannot be truncated elsewhere"));
        paste(cp.conv, conv);
        paste(cp.state, state);
    }

    private static float[][] copy(FloatBuffer[] bufs) {
        float[][] out = new float[bufs.length][];
        for (int i = 0; i < bufs.length; i++) {
            if (bufs[i] != null) {
                out[i] = new float[bufs[i].capacity()];
                bufs[i].get(0, out[i]);
            }
        }
        return out;
    }

    private static void paste(float[][] from, FloatBuffer[] to) {
        for (int i = 0; i < to.length; i++) {
            if (to[i] != null) {
                to[i].put(0, from[i]);
            }
        }
    }

    private static void zero(FloatBuffer[] bufs) {
        for (FloatBuffer b : bufs) {
            if (b != null) {
                b.put(0, new float[b.capacity()]);
            }
        }
    }
}
