package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rotation llama.cpp applies to Q/K/V for quantised KV caches: the orthonormal Sylvester Hadamard matrix. */
class HadamardTest {

    /** H_n built as llama.cpp's ggml_gen_hadamard does: H_1 = 1/sqrt(n), H_2s = [[H, H], [H, -H]]. */
    private static double[][] matrix(int n) {
        double[][] h = new double[n][n];
        h[0][0] = 1 / Math.sqrt(n);
        for (int s = 1; s < n; s *= 2) {
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    h[i + s][j] = h[i][j];
                    h[i][j + s] = h[i][j];
                    h[i + s][j + s] = -h[i][j];
                }
            }
        }
        return h;
    }

    @Test
    void rowsAreMultipliedByTheMatrixAndTwiceIsTheIdentity() {
        for (int n : new int[] {64, 128}) {
            int rows = 3;
            float[] x = TestBlocks.gaussian(new Random(n), n * rows, 1.0);
            FloatBuffer b = TestBlocks.floats(x);
            for (Kernels k : new Kernels[] {ReferenceKernels.INSTANCE}) {
                k.hadamard(b, n, rows);
            }
            double[][] h = matrix(n);
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < n; i++) {
                    double want = 0;
                    for (int j = 0; j < n; j++) {
                        want += h[i][j] * x[r * n + j];
                    }
                    assertEquals(want, b.get(r * n + i), 1e-5, "n " + n + " row " + r + " element " + i);
                }
            }
            ReferenceKernels.INSTANCE.hadamard(b, n, rows);
            for (int i = 0; i < n * rows; i++) {
                assertEquals(x[i], b.get(i), 1e-5, "H H x = x at " + i);
            }
        }
    }

    @Test
    void theSizeMustBeAPowerOfTwo() {
        String msg = assertThrows(IllegalArgumentException.class,
            () -> ReferenceKernels.INSTANCE.hadamard(Buffers.floats(96), 96, 1)).getMessage();
        assertTrue(msg.contains("hadamard: n 96 is not a power of two"), msg);
    }
}
