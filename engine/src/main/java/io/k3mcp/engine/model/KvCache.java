package io.k3mcp.engine.model;

import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The memory of one sequence (docs/ENGINE.md "Layer memory"): per layer, keys and values stored as F16
 * (llama.cpp's default), F32, or Q8_0/Q4_0 (rows quantised as they are written, llama.cpp's -ctk/-ctv), each layer with its own row width (all its KV heads). A full-attention
 * layer keeps a row per position; a sliding layer only the rows its window can still see plus one batch
 * (llama.cpp's min(n_ctx, n_swa + n_ubatch) cells); a shared-KV layer (gemma4) none, reading its source
 * layer's. The token ids beside the rows say what the cache holds, so a later call sharing a prefix can
 * keep those rows ({@link #reusablePrefix}, {@link #truncate}). Rows are allocated as positions fill (in
 * doubling steps up to the layer's row count), so a long context costs memory only once it is used;
 * {@link #bytes} is what the full context needs, {@link #allocatedBytes} what is held now. A hybrid's
 * delta-net layers (qwen35) keep no rows: a {@link RecurrentState} beside them, which resumes only from
 * its checkpoints.
 */
public final class KvCache {
    private final GgmlType type;
    private final KvRotation rotation;
    private final int capacity;
    /** Positions the cache can take: the capacity, or (every layer sliding: a ring) the trained context. */
    private final int positionLimit;
    private final int window;
    /** Per layer; a shared-KV layer holds its source layer's object, a delta-net layer null. */
    private final LayerMemory[] layers;
    private final RecurrentState recurrent;
    private final int[] tokens;
    private int length;

    /** Rows a layer allocates first; it grows by doubling from there. */
    static final int FIRST_ROWS = 256;

    public KvCache(ModelConfig config, int capacity, GgmlType type) {
        this(config, capacity, type, Transformer.MAX_BATCH);
    }

    /** @param maxBatch the longest batch a forward call writes (sliding layers hold their window plus one batch) */
    public KvCache(ModelConfig config, int capacity, GgmlType type, int maxBatch) {
        if (maxBatch < 1 || maxBatch > Transformer.MAX_BATCH) {
            throw new IllegalArgumentException("KV cache maxBatch must be 1.." + Transformer.MAX_BATCH + ", not " + maxBatch);
        }
        if (type != GgmlType.F16 && type != GgmlType.F32 && type != GgmlType.Q8_0 && type != GgmlType.Q4_0) {
            throw new IllegalArgumentException("KV cache type must be F16, F32, Q8_0 or Q4_0, not " + type);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("KV cache capacity must be at least 1 token, not " + capacity);
        }
        this.type = type;
        this.rotation = KvRotation.of(config, type);
        this.capacity = capacity;
        this.positionLimit = positionLimit(config, capacity);
        this.window = config.slidingWindow();
        this.layers = new LayerMemory[config.nLayer()];
        for (int il = 0; il < layers.length; il++) {
            LayerShape s = config.layer(il);
            if (s.kvLayer() != il) {
                layers[il] = layers[s.kvLayer()];
                continue;
            }
            if (recurrentLayer(config, il)) {
                continue;   // a delta-net layer keeps no rows, only its RecurrentState
            }
            boolean sliding = config.isSlidingLayer(il);
            int rows = layerRows(config, il, positionLimit, maxBatch);
            if (s.headDim() % type.blockSize != 0) {
                throw new IllegalArgumentException("a " + type + " KV cache needs head sizes that are multiples of its "
                        + type.blockSize + "-element block; layer " + il + "'s heads have " + s.headDim());
            }
            int headBytes = (int) type.bytesFor(s.headDim());
            long layerBytes = (long) headBytes * s.nKvHead() * rows;
            if (layerBytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("KV cache of " + capacity + " tokens needs " + layerBytes
                        + " bytes for layer " + il + "; at most 2 GiB is supported: ask for a shorter context");
            }
            layers[il] = new LayerMemory(s.nKvHead(), s.headDim(), headBytes, rows, sliding);
        }
        this.tokens = new int[positionLimit];
        this.recurrent = config.deltaNet() == null ? null : new RecurrentState(config);
    }

    private static boolean recurrentLayer(ModelConfig config, int il) {
        return config.deltaNet() != null && config.deltaNet().isRecurrent(il);
    }

    /**
     * When no layer keeps a row per position (every attention layer sliding, e.g. Mistral-style SWA), the
     * layers' rows are a ring over the window and the sequence may run to the trained context whatever the
     * cache size; a model with a full-attention layer stops at the capacity (its rows are never dropped).
     */
    static int positionLimit(ModelConfig config, int capacity) {
        for (int il = 0; il < config.nLayer(); il++) {
            if (config.layer(il).kvLayer() == il && !config.isSlidingLayer(il)) {
                return capacity;
            }
        }
        return Math.max(capacity, config.contextLength());
    }

    /** Rows layer {@code il} keeps: a row per position, or a sliding layer's window plus one batch. */
    private static int layerRows(ModelConfig config, int il, int capacity, int maxBatch) {
        // a batch of up to maxBatch tokens at p0 reads keys from p0 - window + 1 on
        return config.isSlidingLayer(il) ? Math.min(capacity, config.slidingWindow() - 1 + maxBatch) : capacity;
    }

    /**
     * Bytes of key and value rows a cache of {@code capacity} tokens needs once full (batches of
     * {@link Transformer#MAX_BATCH}): what {@link #bytes} reports, computed without allocating.
     */
    public static long bytesFor(ModelConfig config, int capacity, GgmlType type) {
        int limit = positionLimit(config, capacity);
        long total = 0;
        for (int il = 0; il < config.nLayer(); il++) {
            LayerShape s = config.layer(il);
            if (s.kvLayer() == il && !recurrentLayer(config, il)) {
                total += 2 * type.bytesFor(s.kvDim()) * layerRows(config, il, limit, Transformer.MAX_BATCH);
            }
        }
        return total;
    }

    /**
     * Bytes of key and value rows the decode step at {@code position} reads: every attention layer reads its
     * cache's rows up to and including its own position (a sliding layer the last window of them); a
     * shared-KV layer reads its source layer's rows again; delta-net layers read none.
     */
    public static long readBytes(ModelConfig config, int position, GgmlType type) {
        long total = 0;
        for (int il = 0; il < config.nLayer(); il++) {
            if (!recurrentLayer(config, il)) {
                int rows = config.isSlidingLayer(il) ? Math.min(position + 1, config.slidingWindow()) : position + 1;
                total += 2 * type.bytesFor(config.layer(config.layer(il).kvLayer()).kvDim()) * rows;
            }
        }
        return total;
    }

    public GgmlType type() {
        return type;
    }

    /** How Q/K/V are rotated for this cache's type (none unless quantised). */
    KvRotation rotation() {
        return rotation;
    }

    public int capacity() {
        return capacity;
    }

    /** Positions filled (the next token goes to position {@code length()}). */
    public int length() {
        return length;
    }

    /** Positions the sequence may reach: {@link #capacity}, or past it for a ring of sliding layers only. */
    public int positionLimit() {
        return positionLimit;
    }

    /** Free positions left. */
    public int remaining() {
        return positionLimit - length;
    }

    /** Bytes of key and value rows the full context needs, every layer counted once (shared-KV layers add nothing). */
    public long bytes() {
        return Arrays.stream(layers).filter(m -> m != null).distinct().mapToLong(m -> 2L * m.rows * m.rowBytes()).sum();
    }

    /**
     * Bytes the sequence's whole memory may take: {@link #bytes} of KV rows plus, for a hybrid, its recurrent state
     * with the checkpoints it keeps (on Qwen3.5/3.6 that is tens of MiB per sequence at any context).
     */
    public long memoryBytes() {
        return bytes() + (recurrent == null ? 0 : recurrent.bytes());
    }

    /** {@link #memoryBytes} of a cache of {@code capacity} tokens, computed without allocating. */
    public static long memoryBytesFor(ModelConfig config, int capacity, GgmlType type) {
        return bytesFor(config, capacity, type) + RecurrentState.bytesFor(config);
    }

    /** Bytes of key and value rows allocated so far (they grow as positions fill). */
    public long allocatedBytes() {
        return Arrays.stream(layers).filter(m -> m != null).distinct().mapToLong(m -> 2L * m.keys.capacity()).sum();
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
     * The longest prefix of {@code sequence} the cache can resume from exactly: the common prefix, unless a
     * sliding layer no longer holds the rows its window needs there (then 0: start over); with recurrent
     * layers the longest of the current length and the checkpoints inside the common prefix (else 0).
     */
    public int reusablePrefix(int[] sequence) {
        int common = commonPrefix(sequence);
        if (recurrent != null && common != length) {
            common = recurrent.longestCheckpoint(common);
        }
        return canResumeAt(common) ? common : 0;
    }

    /** Keeps a copy of the recurrent state at the current length, a point a later call may resume from (no-op without one). */
    public void checkpoint() {
        if (recurrent != null) {
            recurrent.checkpoint(length);
        }
    }

    private boolean canResumeAt(int position) {
        for (LayerMemory m : layers) {
            if (m != null && m.sliding && m.first > Math.max(0, position - window + 1)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Forgets positions from {@code newLength} on (their rows are overwritten by the next writes); with
     * recurrent layers only to the current length, a checkpoint or 0 ({@link #reusablePrefix}).
     */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a KV cache of " + length + " tokens to " + newLength);
        }
        if (newLength > 0 && !canResumeAt(newLength)) {
            throw new IllegalArgumentException("cannot truncate to " + newLength + " tokens: the sliding-window layers "
                    + "no longer hold the " + (window - 1) + " positions before it (see reusablePrefix)");
        }
        if (recurrent != null && newLength != length) {
            recurrent.restore(newLength);
        }
        length = newLength;
        if (newLength == 0) {
            clear();
        }
    }

    public void clear() {
        length = 0;
        for (LayerMemory m : layers) {
            if (m != null) {
                m.first = 0;
            }
        }
        if (recurrent != null) {
            recurrent.restore(0);
        }
    }

    /** The delta-net layers' memory, or null when the model has none. */
    RecurrentState recurrent() {
        return recurrent;
    }

    /**
     * Converts {@code n} rows of keys and values (floats, the layer's row width each) into layer
     * {@code layer} at positions pos0...; a sliding layer first drops the rows its window no longer sees.
     */
    void write(Kernels kernels, int layer, int pos0, FloatBuffer k, FloatBuffer v, int n, int kvDim) {
        LayerMemory m = layers[layer];
        if (pos0 + n - m.first > m.rows) {
            slide(m, layer, pos0, n);
        }
        if (kvDim != m.heads * m.headDim) {
            throw new IllegalArgumentException("layer " + layer + ": rows of " + kvDim + " floats, not its "
                    + m.heads + " heads of " + m.headDim);
        }
        m.ensureRows(pos0 + n - m.first);
        int at = m.offset(0, pos0 - m.first);
        long stride = (long) m.held * m.headBytes;
        kernels.storeKv(type, k, n, m.heads, m.headDim, Buffers.slice(m.keys, at, m.keys.capacity() - at), stride);
        kernels.storeKv(type, v, n, m.heads, m.headDim, Buffers.slice(m.values, at, m.values.capacity() - at), stride);
    }

    /** Moves the rows of positions pos0 - window + 1 .. pos0 - 1 to the front of a sliding layer's rows. */
    private void slide(LayerMemory m, int layer, int pos0, int n) {
        int keep = Math.min(window - 1, pos0 - m.first);
        int newFirst = pos0 - keep;
        if (!m.sliding || keep + n > m.rows) {
            throw new IllegalArgumentException("layer " + layer + ": " + n + " tokens at position " + pos0
                    + " do not fit its " + m.rows + " cached rows (the cache was made for batches of at most "
                    + (m.rows - window + 1) + " tokens)");
        }
        m.moveToFront(newFirst - m.first, keep);
        m.first = newFirst;
    }

    /**
     * Layer {@code layer}'s key rows (its source's for a shared-KV layer), row 0 at {@link #firstPosition};
     * null for a delta-net layer, which keeps none.
     */
    ByteBuffer keys(int layer) {
        return layers[layer] == null ? null : layers[layer].keys;
    }

    ByteBuffer values(int layer) {
        return layers[layer] == null ? null : layers[layer].values;
    }

    /**
     * Rows per KV head of layer {@code layer}'s buffers ({@link #keys} holds head h's rows from {@code h * headRows}
     * head rows on): the layout {@link io.k3mcp.kernels.AttentionSequence#headRows()} names.
     */
    int headRows(int layer) {
        return layers[layer].held;
    }

    /** A compact copy of layer {@code layer}'s first {@code n} rows of keys or values: head h's rows from {@code h * n} head rows on. */
    byte[] copyRows(int layer, boolean values, int n) {
        return layers[layer].copyRows(values, n);
    }

    /**
     * Puts the first {@code n} rows of compact copies ({@link #copyRows} of {@code copied} rows) at position 0 of
     * layer {@code layer}, growing its rows to hold them.
     */
    void putRows(int layer, byte[] k, byte[] v, int copied, int n) {
        layers[layer].putRows(k, v, copied, n);
    }

    /** The position of the first row that {@link #keys} returns for {@code layer}. */
    int firstPosition(int layer) {
        return layers[layer].first;
    }

    /** Records that {@code n} tokens were written after the current length. */
    void commit(int[] ids, int from, int n) {
        System.arraycopy(ids, from, tokens, length, n);
        length += n;
    }
}
