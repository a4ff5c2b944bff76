package io.k3mcp.engine.model;

import java.nio.FloatBuffer;

/**
 * A copy of a sequence's memory after its first {@code tokens.length} tokens, kept by the prefix cache so a
 * later call in any slot resumes from it: every layer's K/V rows from position 0, and for a hybrid the
 * recurrent state at exactly that length (a state cannot be cut back, so a hybrid's copy restores only whole).
 */
public final class KvSnapshot {
    private final int[] tokens;
    private final byte[][] keys;
    private final byte[][] values;
    private final float[][] conv;
    private final float[][] state;
    private final long bytes;

    private KvSnapshot(int[] tokens, byte[][] keys, byte[][] values, float[][] conv, float[][] state, long bytes) {
        this.tokens = tokens;
        this.keys = keys;
        this.values = values;
        this.conv = conv;
        this.state = state;
        this.bytes = bytes;
    }

    /**
     * Copies {@code cache}'s memory as it is now, or returns null when it cannot be resumed from position 0
     * (a sliding layer has dropped its first rows).
     */
    public static KvSnapshot of(ModelConfig config, KvCache cache) {
        int n = cache.length();
        int layers = config.nLayer();
        byte[][] k = new byte[layers][];
        byte[][] v = new byte[layers][];
        long bytes = 4L * n;
        for (int il = 0; il < layers; il++) {
            if (config.layer(il).kvLayer() != il || cache.keys(il) == null) {
                continue;   // shared-KV layers read their source's rows; delta-net layers keep none
            }
            if (cache.firstPosition(il) != 0) {
                return null;
            }
            k[il] = cache.copyRows(il, false, n);
            v[il] = cache.copyRows(il, true, n);
            bytes += 2L * k[il].length;
        }
        RecurrentState r = cache.recurrent();
        float[][] conv = null;
        float[][] state = null;
        if (r != null) {
            conv = new float[layers][];
            state = new float[layers][];
            for (int il = 0; il < layers; il++) {
                if (r.conv(il) != null) {
                    conv[il] = copy(r.conv(il));
                    state[il] = copy(r.state(il));
                    bytes += 4L * (conv[il].length + state[il].length);
                }
            }
        }
        return new KvSnapshot(cache.tokens(), k, v, conv, state, bytes);
    }

    /** The tokens whose memory this holds. */
    public int[] tokens() {
        return tokens.clone();
    }

    public int length() {
        return tokens.length;
    }

    public long bytes() {
        return bytes;
    }

    /** Whether a resume may stop before the end (pure attention), or only at the whole length (a recurrent state). */
    public boolean resumesAnyPrefix() {
        return state == null;
    }

    /** The longest prefix of {@code sequence} this copy can resume from (0 when none). */
    public int reusablePrefix(int[] sequence) {
        int n = Math.min(tokens.length, sequence.length);
        int i = 0;
        while (i < n && tokens[i] == sequence[i]) {
            i++;
        }
        return resumesAnyPrefix() || i == tokens.length ? i : 0;
    }

    /** Replaces {@code cache}'s memory with this copy's first {@code n} tokens (a hybrid: all of them, then checkpointed). */
    public void restoreInto(KvCache cache, int n) {
        if (n < 1 || n > tokens.length || (!resumesAnyPrefix() && n != tokens.length)) {
            throw new IllegalArgumentException("cannot restore " + n + " of a " + tokens.length + "-token snapshot"
                    + (resumesAnyPrefix() ? "" : ": a recurrent state restores only whole"));
        }
        if (n > cache.capacity()) {
            throw new IllegalArgumentException("a " + n + "-token snapshot does not fit a " + cache.capacity() + "-token cache");
        }
        cache.clear();
        for (int il = 0; il < keys.length; il++) {
            if (keys[il] != null) {
                cache.putRows(il, keys[il], values[il], tokens.length, n);   // the cache's rows grow as positions fill
            }
        }
        if (state != null) {
            RecurrentState r = cache.recurrent();
            for (int il = 0; il < state.length; il++) {
                if (state[il] != null) {
                    r.conv(il).put(0, conv[il]);
                    r.state(il).put(0, state[il]);
                }
            }
        }
        cache.commit(tokens, 0, n);
        cache.checkpoint();
    }

    private static float[] copy(FloatBuffer b) {
        float[] out = new float[b.capacity()];
        b.get(0, out);
        return out;
    }

    @Override
    public String toString() {
        return "KvSnapshot[" + tokens.length + " tokens, " + bytes + " bytes" + (resumesAnyPrefix() ? "" : ", recurrent") + "]";
    }
}
