package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * IQ4_NL / IQ4_XS: blocks built byte by byte from the layout in shared/models/new-archs/MODELS.md with
 * the codebook written out here, and the quantisers' documented properties (the byte-exact comparison
 * with llama-quantize is engine's WeightQuantizerOracleTest).
 */
class Iq4Test {
    /** kvalues_iq4nl as MODELS.md lists it. */
    private static final int[] CODEBOOK = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    @Test
    void iq4NlBlockDecodesThroughTheCodebook() {
        ByteBuffer b = TestBlocks.le(18);
        b.putShort(0, Half.fromFloat(0.25f));
        int[] q = new int[32];
        for (int i = 0; i < 32; i++) {
            q[i] = (i * 5 + 3) % 16;
        }
        for (int j = 0; j < 16; j++) {
            b.put(2 + j, (byte) (q[j] | (q[j + 16] << 4)));
        }
        float[] got = TestBlocks.dequantize(GgmlType.IQ4_NL, b, 32);
        for (int i = 0; i < 32; i++) {
            assertEquals(0.25f * CODEBOOK[q[i]], got[i], "element " + i);
        }
    }

    @Test
    void iq4XsSubBlockScalesSplitIntoLowAndHighBits() {
        ByteBuffer b = TestBlocks.le(136);
        b.putShort(0, Half.fromFloat(0.5f));
        int[] ls = {0, 63, 32, 31, 17, 48, 5, 40}; // stored 6-bit scales (value - 32 is applied)
        int scalesH = 0;
        for (int ib = 0; ib < 8; ib++) {
            scalesH |= (ls[ib] >> 4) << (2 * ib);
            int sl = 4 + ib / 2;
            b.put(sl, (byte) (b.get(sl) | ((ls[ib] & 0xF) << (4 * (ib % 2)))));
        }
        b.putShort(2, (short) scalesH);
        int[] q = new int[256];
        for (int i = 0; i < 256; i++) {
            q[i] = (i * 11 + i / 32) % 16;
        }
        for (int ib = 0; ib < 8; ib++) {
            for (int j = 0; j < 16; j++) {
                b.put(8 + 16 * ib + j, (byte) (q[32 * ib + j] | (q[32 * ib + j + 16] << 4)));
            }
        }
        float[] got = TestBlocks.dequantize(GgmlType.IQ4_XS, b, 256);
        for (int i = 0; i < 256; i++) {
            assertEquals(0.5f * (ls[i / 32] - 32) * CODEBOOK[q[i]], got[i], "element " + i);
        }
    }

    /** Relative RMS error of the round trip on Gaussian data: a 4-bit codebook fitted per 32 values. */
    @ParameterizedTest
    @CsvSource({"IQ4_NL, 0.12", "IQ4_XS, 0.12"})
    void roundTripErrorWithinFourBitBound(GgmlType type, double bound) {
        Random rnd = new Random(91 + type.id);
        for (float[] x : new float[][] {TestBlocks.gaussian(rnd, 4096, 0.05), TestBlocks.cosine(4096, 0.7f)}) {
            float[] y = TestBlocks.dequantize(type, TestBlocks.quantize(type, x), x.length);
            double rel = TestBlocks.rmse(x, y) / Math.sqrt(TestBlocks.dot(x, x) / x.length);
            assertTrue(rel < bound, type + " relative rmse " + rel);
            assertTrue(rel > bound / 20, type + " suspiciously exact: " + rel);
        }
    }

    /** The searched scale fits at least as well as the plain max/-127 scale it starts from. */
    @Test
    void iq4NlScaleSearchNeverLosesToTheStartingScale() {
        Random rnd = new Random(5);
        float[] x = TestBlocks.gaussian(rnd, 32 * 64, 1.0);
        float[] y = TestBlocks.dequantize(GgmlType.IQ4_NL, TestBlocks.quantize(GgmlType.IQ4_NL, x), x.length);
        for (int b = 0; b < 64; b++) {
            float max = 0;
            for (int j = 0; j < 32; j++) {
                max = Math.abs(x[32 * b + j]) > Math.abs(max) ? x[32 * b + j] : max;
            }
            float d = Half.toFloat(Half.fromFloat(max / -127f));
            double plain = 0;
            double searched = 0;
            for (int j = 0; j < 32; j++) {
                float xi = x[32 * b + j];
                double w = xi * (double) xi;
                plain += w * Math.pow(xi - d * CODEBOOK[QuantizeIq4.bestIndex(xi / d)], 2);
                searched += w * Math.pow(xi - y[32 * b + j], 2);
            }
            assertTrue(searched <= plain * 1.01, "block " + b + ": searched " + searched + " > plain " + plain);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"IQ4_NL", "IQ4_XS"})
    void zerosDecodeToZeroAndAConstantStaysClose(GgmlType type) {
        for (float v : TestBlocks.dequantize(type, TestBlocks.quantize(type, new float[256]), 256)) {
            assertEquals(0f, Math.abs(v));
        }
        float[] constant = new float[256];
        Arrays.fill(constant, -0.75f);
        for (float v : TestBlocks.dequantize(type, TestBlocks.quantize(type, constant), 256)) {
            assertEquals(-0.75, v, 0.75 * 0.01, type.name());
        }
    }

    @Test
    void bestIndexPicksTheNearestCodebookValue() {
        for (float v = -140f; v <= 130f; v += 0.25f) {
            int got = QuantizeIq4.bestIndex(v);
            for (int k = 0; k < 16; k++) {
                assertTrue(Math.abs(v - CODEBOOK[got]) <= Math.abs(v - CODEBOOK[k]), "value " + v + " index " + got);
            }
        }
    }
}
