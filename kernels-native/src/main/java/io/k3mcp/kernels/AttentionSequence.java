package io.k3mcp.kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * One sequence of a batched attention call ({@link Kernels#attention(java.util.List, GgmlType, int, int, int, float,
 * boolean, int)}): its {@code nTokens} query rows and output rows, its own cache rows ({@code nKeys} positions, the
 * first at position 0) and the position of its first query. {@code headRows} is the cache's layout: 0, each
 * position's row holds every KV head ({@link Kernels#attention(FloatBuffer, ByteBuffer, ByteBuffer, GgmlType,
 * FloatBuffer, int, int, int, int, int, int, float, boolean, int)}'s layout, llama.cpp's); {@code R >= nKeys}, each
 * KV head's R rows are contiguous, head h's row of position j at {@code (h * R + j)} head rows in (the engine's
 * cache, written by {@link Kernels#storeKv}: a head's walk over positions streams from memory).
 */
public record AttentionSequence(FloatBuffer q, ByteBuffer k, ByteBuffer v, FloatBuffer out, int nTokens, int pos0,
                                int nKeys, int headRows) {
    public AttentionSequence {
        if (headRows != 0 && headRows < nKeys) {
            throw new IllegalArgumentException("attention: a head-major cache of " + headRows + " rows a head cannot hold "
                    + nKeys + " keys");
        }
    }

    /** A sequence over a position-major cache. */
    public AttentionSequence(FloatBuffer q, ByteBuffer k, ByteBuffer v, FloatBuffer out, int nTokens, int pos0, int nKeys) {
        this(q, k, v, out, nTokens, pos0, nKeys, 0);
    }

    /** Bytes of k (and of v) the sequence's cache spans for KV heads of {@code headBytes} each. */
    long cacheBytes(int nKvHeads, long headBytes) {
        return (long) nKvHeads * headBytes * (headRows > 0 ? headRows : nKeys);
    }

    /** Byte offset of KV head {@code h}'s row of position {@code j} in a cache of layout {@code headRows}. */
    static long rowOffset(int j, int h, int nKvHeads, long headBytes, int headRows) {
        return headRows > 0 ? ((long) h * headRows + j) * headBytes : ((long) j * nKvHeads + h) * headBytes;
    }
}
