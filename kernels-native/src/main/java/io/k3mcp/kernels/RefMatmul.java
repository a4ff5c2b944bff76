package io.k3mcp.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * y = W x for a batch of tokens: each token's activation row is quantised once to the weight type's
 * vec_dot_type, then every weight row is dotted with it. Rows are split across the common
 * fork-join pool in fixed chunks; each output is computed by one call with fixed arithmetic, so the
 * result does not depend on the split.
 */
final class RefMatmul {
    /** Below this many multiply-adds the fork-join overhead is not worth it. */
    private static final long PARALLEL_MIN_WORK = 1L << 16;
    private static final int CHUNK_ROWS = 16;

    private RefMatmul() {
    }

    static void matmul(GgmlType type, ByteBuffer w, int rows, int cols, FloatBuffer x, FloatBuffer y, int nTokens) {
        GgmlType act = type.vecDotType();
        int rowBytes = (int) type.bytesFor(cols);
        int actBytes = (int) act.bytesFor(cols);
        if ((long) rowBytes * rows > w.capacity()) {
            throw new IllegalArgumentException("matmul: " + rows + " rows of " + cols + " " + type
                + " need " + (long) rowBytes * rows + " bytes, weight buffer has " + w.capacity());
        }
        ByteBuffer weights = w.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer q = ByteBuffer.allocate(actBytes * nTokens).order(ByteOrder.LITTLE_ENDIAN);
        float[] row = new float[cols];
        for (int t = 0; t < nTokens; t++) {
            x.get(t * cols, row);
            Quantize.row(act, row, 0, q, t * actBytes, cols);
        }
        int chunks = (rows + CHUNK_ROWS - 1) / CHUNK_ROWS;
        IntStream range = IntStream.range(0, chunks);
        if ((long) rows * cols * nTokens >= PARALLEL_MIN_WORK) {
            range = range.parallel();
        }
        range.forEach(c -> {
            int end = Math.min(rows, (c + 1) * CHUNK_ROWS);
            for (int r = c * CHUNK_ROWS; r < end; r++) {
                for (int t = 0; t < nTokens; t++) {
                    y.put(t * rows + r, VecDot.dot(type, weights, r * rowBytes, q, t * actBytes, cols));
                }
            }
        });
    }
}
