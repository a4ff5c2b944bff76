package io.k3mcp.engine.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Pooling of token-major hidden states and L2 normalisation. */
final class Pooler {
    private Pooler() {
    }

    static List<float[]> pool(float[] hidden, int n, int dim, Pooling pooling) {
        return switch (pooling) {
            case MEAN -> List.of(mean(hidden, n, dim));
            case CLS -> List.of(Arrays.copyOfRange(hidden, 0, dim));
            case LAST -> List.of(Arrays.copyOfRange(hidden, (n - 1) * dim, n * dim));
            case NONE -> {
                List<float[]> rows = new ArrayList<>(n);
                for (int t = 0; t < n; t++) {
                    rows.add(Arrays.copyOfRange(hidden, t * dim, (t + 1) * dim));
                }
                yield rows;
            }
        };
    }

    /** Average over every token, special tokens included (what llama.cpp and sentence-transformers do). */
    private static float[] mean(float[] hidden, int n, int dim) {
        double[] sum = new double[dim];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < dim; i++) {
                sum[i] += hidden[t * dim + i];
            }
        }
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            out[i] = (float) (sum[i] / n);
        }
        return out;
    }

    /** In place v /= |v|; a zero vector stays zero. */
    static void normalize(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        if (sq == 0) {
            return;
        }
        float inv = (float) (1.0 / Math.sqrt(sq));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
    }
}
