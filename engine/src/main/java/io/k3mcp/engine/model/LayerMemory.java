package io.k3mcp.engine.model;

import io.k3mcp.kernels.Buffers;

import java.nio.ByteBuffer;

/**
 * One layer's rows, head-major (docs/ENGINE.md "Layer memory"): KV head h's row r at {@code (h * held + r) *
 * headBytes}, so one head's walk over positions streams from memory; row r holds position {@code first + r};
 * {@code keys}/{@code values} hold the {@code held} rows a head allocated so far.
 */
final class LayerMemory {
    final int heads;
    final int headDim;
    final int headBytes;
    final int rows;
    final boolean sliding;
    ByteBuffer keys;
    ByteBuffer values;
    int held;
    int first;

    LayerMemory(int heads, int headDim, int headBytes, int rows, boolean sliding) {
        this.heads = heads;
        this.headDim = headDim;
        this.headBytes = headBytes;
        this.rows = rows;
        this.sliding = sliding;
        this.keys = Buffers.bytes(0);
        this.values = Buffers.bytes(0);
    }

    int rowBytes() {
        return heads * headBytes;
    }

    /** Byte offset of head h's row r. */
    int offset(int h, int r) {
        return (h * held + r) * headBytes;
    }

    /** Makes rows 0..needed-1 addressable, keeping the rows already written. */
    void ensureRows(int needed) {
        if (needed <= held) {
            return;
        }
        int grown = Math.min(rows, Math.max(needed, Math.max(KvCache.FIRST_ROWS, 2 * held)));
        keys = regrow(keys, grown);
        values = regrow(values, grown);
        held = grown;
    }

    /** A buffer of {@code grown} rows a head holding each head's rows of {@code old}. */
    private ByteBuffer regrow(ByteBuffer old, int grown) {
        ByteBuffer b = Buffers.bytes((long) heads * grown * headBytes);
        for (int h = 0; h < heads; h++) {
            b.put(h * grown * headBytes, old, offset(h, 0), held * headBytes);
        }
        return b;
    }

    /** Moves {@code n} rows of every head from row {@code from} to row 0, in both buffers. */
    void moveToFront(int from, int n) {
        byte[] tmp = new byte[n * headBytes];
        for (ByteBuffer b : new ByteBuffer[] {keys, values}) {
            for (int h = 0; h < heads; h++) {
                b.get(offset(h, from), tmp);
                b.put(offset(h, 0), tmp);
            }
        }
    }

    /** A compact copy of the first {@code n} rows of keys or values: head h's rows from {@code h * n} head rows on. */
    byte[] copyRows(boolean ofValues, int n) {
        ByteBuffer b = ofValues ? values : keys;
        byte[] out = new byte[n * rowBytes()];
        for (int h = 0; h < heads; h++) {
            b.get(offset(h, 0), out, h * n * headBytes, n * headBytes);
        }
        return out;
    }

    /** Puts the first {@code n} rows of compact copies of {@code copied} rows at row 0, growing the rows to hold them. */
    void putRows(byte[] k, byte[] v, int copied, int n) {
        ensureRows(n);
        for (int h = 0; h < heads; h++) {
            keys.put(offset(h, 0), k, h * copied * headBytes, n * headBytes);
            values.put(offset(h, 0), v, h * copied * headBytes, n * headBytes);
        }
    }
}
