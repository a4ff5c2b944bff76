package io.k3mcp.engine.model;

import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Keys and values of every layer for positions 0..length-1, stored as F16 (llama.cpp's default) or
 * F32, row j = position j with all KV heads. The token ids beside the rows say what the cache holds,
 * so a later call sharing a prefix can keep those rows ({@link #commonPrefix}, {@link #truncate}).
 * A hybrid's delta-net layers keep a {@link RecurrentState} beside the rows instead, which resumes only
 * from its checkpoints ({@link #reusablePrefix}).
 */
public final class KvCache {
    private final GgmlType type;
    private final int capacity;
    private final int rowBytes;
    private final ByteBuffer[] keys;
    private final ByteBuffer[] values;
    private final int[] tokens;
    private final RecurrentState recurrent;
    private int length;

    public KvCache(ModelConfig config, int capacity, GgmlType type) {
        if (type != GgmlType.F16 && type != GgmlType.F32) {
            throw new IllegalArgumentException("KV cache type must be F16 or F32, not " + type);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("KV cache capacity must be at least 1 token, not " + capacity);
        }
        this.type = type;
        this.capacity = capacity;
        this.rowBytes = (int) type.bytesFor(config.kvDim());
        long layerBytes = (long) rowBytes * capacity;
        if (layerBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("KV cache of " + capacity + " tokens needs " + layerBytes
                    + " bytes per layer; at most 2 GiB is supported: ask for a shorter context");
        }
        this.keys = new ByteBuffer[config.nLayer()];
        this.values = new ByteBuffer[config.nLayer()];
        for (int i = 0; i < keys.length; i++) {
            if (config.deltaNet() != null && config.deltaNet().isRecurrent(i)) {
                continue;   // a delta-net layer keeps no rows, only its RecurrentState
            }
            keys[i] = Buffers.bytes(layerBytes);
            values[i] = Buffers.bytes(layerBytes);
        }
        this.tokens = new int[capacity];
        this.recurrent = config.deltaNet() == null ? null : new RecurrentState(config);
    }

    public GgmlType type() {
        return type;
    }

    public int capacity() {
        return capacity;
    }

    /** Positions filled (the next token goes to position {@code length()}). */
    public int length() {
        return length;
    }

    /** Free positions left. */
    public int remaining() {
        return capacity - length;
    }

    /** The token ids whose keys and values the cache holds, in position order. */
    public int[] tokens() {
        return Arrays.copyOf(tokens, length);
    }

    /** Length of the longest common prefix of the cached tokens and {@code sequence}. */
    public int commonPrefix(int[] sequence) {
        int n = Math.min(length, sequence.length);
        int i = 0;
        while (i < n && tokens[i] == sequence[i]) {
            i++;
        }
        return i;
    }

    /**
     * The longest prefix of {@code sequence} this cache can continue from exactly: the common prefix, or
     * with recurrent layers the longest of the current length and the checkpoints inside it (else 0).
     */
    public int reusablePrefix(int[] sequence) {
        int common = commonPrefix(sequence);
        if (recurrent == null || common == length) {
            return common;
        }
        return recurrent.longestCheckpoint(common);
    }

    /** Keeps a copy of the recurrent state at the current length, a point a later call may resume from (no-op without one). */
    public void checkpoint() {
        if (recurrent != null) {
            recurrent.checkpoint(length);
        }
    }

    /**
     * Forgets positions from {@code newLength} on (their rows are overwritten by the next writes); with
     * recurrent layers only to the current length, a checkpoint or 0 ({@link #reusablePrefix}).
     */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a KV cache of " + length + " tokens to " + newLength);
        }
        if (recurrent != null && newLength != length) {
            recurrent.restore(newLength);
        }
        length = newLength;
    }

    public void clear() {
        length = 0;
        if (recurrent != null) {
            recurrent.restore(0);
        }
    }

    /** The delta-net layers' memory, or null when the model has none. */
    RecurrentState recurrent() {
        return recurrent;
    }

    /** Converts {@code n} rows of keys and values (floats, kvDim each) into layer {@code layer} at positions pos0... */
    void write(Kernels kernels, int layer, int pos0, FloatBuffer k, FloatBuffer v, int n, int kvDim) {
        ByteBuffer kDst = Buffers.slice(keys[layer], (long) pos0 * rowBytes, (long) n * rowBytes);
        ByteBuffer vDst = Buffers.slice(values[layer], (long) pos0 * rowBytes, (long) n * rowBytes);
        kernels.quantize(type, k, kDst, n * kvDim);
        kernels.quantize(type, v, vDst, n * kvDim);
    }

    ByteBuffer keys(int layer) {
        return keys[layer];
    }

    ByteBuffer values(int layer) {
        return values[layer];
    }

    /** Records that {@code n} tokens were written after the current length. */
    void commit(int[] ids, int from, int n) {
        System.arraycopy(ids, from, tokens, length, n);
        length += n;
    }
}
