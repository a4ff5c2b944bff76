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

    /**
     * Each expert's pairs gathered into one batch and multiplied by its slab with {@link #matmul}: the same
     * quantisation and dots as a dense product, per pair.
     */
    static void matmulExperts(GgmlType type, ByteBuffer w, int nExpert, int rows, int cols, FloatBuffer x, boolean xPerSlot,
                              ExpertRoutes routes, FloatBuffer y) {
        routes.checkIds(nExpert);
        long slabBytes = type.bytesFor(cols) * rows;
        if (slabBytes * nExpert > w.capacity()) {
            throw new IllegalArgumentException("matmulExperts: " + nExpert + " experts of " + rows + " x " + cols + " " + type
                + " need " + slabBytes * nExpert + " bytes, weight buffer has " + w.capacity());
        }
        int[] experts = routes.experts();
        float[] row = new float[cols];
        float[] out = new float[rows];
        for (int e = 0; e < nExpert; e++) {
            int count = 0;
            for (int id : experts) {
                count += id == e ? 1 : 0;
            }
            if (count == 0) {
                continue;
            }
            int[] pairs = new int[count];
            FloatBuffer xe = Buffers.floats(count * cols);
            for (int p = 0, i = 0; p < experts.length; p++) {
                if (experts[p] == e) {
                    pairs[i] = p;
                    x.get((xPerSlot ? p : p / routes.nUsed()) * cols, row);
                    xe.put(i++ * cols, row);
                }
            }
            FloatBuffer ye = Buffers.floats(count * rows);
            matmul(type, w.slice((int) (e * slabBytes), (int) slabBytes), rows, cols, xe, ye, count);
            for (int i = 0; i < count; i++) {
                ye.get(i * rows, out);
                y.put(pairs[i] * rows, out);
            }
        }
    }
}
