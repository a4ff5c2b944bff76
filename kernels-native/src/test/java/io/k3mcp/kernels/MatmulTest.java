package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** matmul = per-token activation quantisation + per-row vecDot, bit for bit, whatever the thread split. */
class MatmulTest {
    private static final ReferenceKernels K = ReferenceKernels.INSTANCE;

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q4_0", "Q4_1", "Q8_0", "Q4_K", "Q6_K", "Q3_K"})
    void equalsRowByRowVecDot(GgmlType type) {
        Random rnd = new Random(42 + type.id);
        int cols = 512;
        for (int rows : new int[] {7, 70, 300}) { // 300 x 512 x 3 takes the parallel path
            int nTokens = 3;
            int rowBytes = (int) type.bytesFor(cols);
            ByteBuffer w = TestBlocks.randomBlocks(type, rows * (type.isQuantized() ? cols / type.blockSize : cols), rnd);
            float[] x = TestBlocks.gaussian(rnd, cols * nTokens, 1.0);
            FloatBuffer y = Buffers.floats(rows * nTokens);
            K.matmul(type, w, rows, cols, TestBlocks.floats(x), y, nTokens);
            FloatBuffer again = Buffers.floats(rows * nTokens);
            K.matmul(type, w, rows, cols, TestBlocks.floats(x), again, nTokens);
            for (int t = 0; t < nTokens; t++) {
                float[] xt = new float[cols];
                System.arraycopy(x, t * cols, xt, 0, cols);
                ByteBuffer a = TestBlocks.quantize(type.vecDotType(), xt);
                for (int r = 0; r < rows; r++) {
                    float expected = K.vecDot(type, Buffers.slice(w, (long) r * rowBytes, rowBytes), a, cols);
                    assertEquals(expected, y.get(t * rows + r), 0.0f, type + " token " + t + " row " + r);
                    assertEquals(y.get(t * rows + r), again.get(t * rows + r), 0.0f, "deterministic");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0"})
    void tooSmallWeightBufferIsRejected(GgmlType type) {
        ByteBuffer w = TestBlocks.le(34 * 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> K.matmul(type, w, 4, 32, Buffers.floats(32), Buffers.floats(4), 1));
        assertTrue(e.getMessage().contains("136 bytes"), e.getMessage());
    }
}
