package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every weight type's dot product at ragged lengths on random blocks: (1) it equals the double dot of
 * the dequantised weights with the dequantised activations up to f32 rounding, and (2) it is within
 * the activation quantisation error of the dot with the original f32 activations.
 */
class VecDotTest {
    private static final int[] BLOCK_COUNTS = {1, 2, 3, 5, 7, 16};
    private static final ReferenceKernels K = ReferenceKernels.INSTANCE;

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = "Q8_1", mode = EnumSource.Mode.EXCLUDE)
    void matchesDequantisedDot(GgmlType type) {
        Random rnd = new Random(1234 + type.id);
        int step = type.isQuantized() ? type.blockSize : 31; // float types: lengths 31, 62, 93, ...
        for (int nb : BLOCK_COUNTS) {
            int n = nb * step;
            ByteBuffer w = TestBlocks.randomBlocks(type, type.isQuantized() ? nb : n, rnd);
            float[] x = TestBlocks.gaussian(rnd, n, 1.0);
            GgmlType act = type.vecDotType();
            ByteBuffer a = TestBlocks.quantize(act, x);
            float got = K.vecDot(type, w, a, n);

            float[] wf = TestBlocks.dequantize(type, w, n);
            float[] af = TestBlocks.dequantize(act, a, n);
            double exact = TestBlocks.dot(wf, af);
            double scaleOfTerms = TestBlocks.absDot(wf, af);
            double sRounding = act == GgmlType.Q8_1 ? q8_1SumRounding(w, type, a, nb) : 0;
            assertEquals(exact, got, 2e-6 * scaleOfTerms + sRounding + 1e-30, type + " n=" + n + " vs dequantised dot");

            double bound = 0;
            for (int i = 0; i < n; i++) {
                bound += Math.abs(wf[i]) * activationError(act, x, i);
            }
            double direct = TestBlocks.dot(wf, x);
            assertEquals(direct, got, bound + 2e-6 * TestBlocks.absDot(wf, x) + 1e-30,
                type + " n=" + n + " vs f32 activations");
        }
    }

    /**
     * Q8_1 carries s = fp16(d * sum(q)), and ggml uses m * s for the min term: allow that fp16 rounding.
     */
    private static double q8_1SumRounding(ByteBuffer w, GgmlType type, ByteBuffer a, int nb) {
        double tol = 0;
        for (int ib = 0; ib < nb; ib++) {
            float m = Half.toFloat(w.getShort(ib * type.typeSize + 2));
            float s = Half.toFloat(a.getShort(ib * GgmlType.Q8_1.typeSize + 2));
            tol += Math.abs(m) * Math.abs(s) * 0x1p-10;
        }
        return tol;
    }

    /** Worst-case error of activation i after quantisation to {@code act}: half a step, plus fp16 scale rounding. */
    private static double activationError(GgmlType act, float[] x, int i) {
        return switch (act) {
            case F32 -> 0;
            case F16 -> Math.abs(x[i]) * 0x1p-11;
            case BF16 -> Math.abs(x[i]) * 0x1p-8;
            default -> {
                int qk = act.blockSize;
                double amax = 0;
                for (int j = i / qk * qk; j < i / qk * qk + qk; j++) {
                    amax = Math.max(amax, Math.abs(x[j]));
                }
                yield 0.5 * amax / 127 + Math.abs(x[i]) * 0x1p-10;
            }
        };
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q2_K", "F16"})
    void raggedLengthIsRejected(GgmlType type) {
        int n = type.isQuantized() ? type.blockSize + 1 : 0;
        if (n == 0) {
            return;
        }
        ByteBuffer w = TestBlocks.le(4096);
        ByteBuffer a = TestBlocks.le(4096);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> K.vecDot(type, w, a, n));
        assertTrue(e.getMessage().contains("not a multiple of the block size"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = "Q8_1")
    void q8_1IsNotAWeightType(GgmlType type) {
        ByteBuffer b = TestBlocks.le(36);
        assertThrows(UnsupportedOperationException.class, () -> K.vecDot(type, b, b, 32));
    }
}
