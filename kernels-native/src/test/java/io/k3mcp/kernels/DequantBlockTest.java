package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * One block of each type built byte by byte from the layouts in ggml-common.h, with the expected
 * values computed element by element from the format's formula (not from the dequantiser's loops).
 */
class DequantBlockTest {

    private static void assertValues(float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6f * Math.abs(expected[i]) + 1e-9f, "element " + i);
        }
    }

    @Test
    void q4_0() {
        ByteBuffer b = TestBlocks.le(18);
        b.putShort(0, Half.fromFloat(0.5f));
        int[] q = new int[32];
        for (int i = 0; i < 32; i++) {
            q[i] = (i * 7) % 16;
        }
        for (int j = 0; j < 16; j++) {
            b.put(2 + j, (byte) (q[j] | (q[j + 16] << 4)));
        }
        float[] expected = new float[32];
        for (int i = 0; i < 32; i++) {
            expected[i] = (q[i] - 8) * 0.5f;
        }
        assertValues(expected, TestBlocks.dequantize(GgmlType.Q4_0, b, 32));
    }

    @Test
    void q4_1() {
        ByteBuffer b = TestBlocks.le(20);
        b.putShort(0, Half.fromFloat(0.25f));
        b.putShort(2, Half.fromFloat(-1.0f));
        int[] q = new int[32];
        for (int i = 0; i < 32; i++) {
            q[i] = (i * 5 + 3) % 16;
        }
        for (int j = 0; j < 16; j++) {
            b.put(4 + j, (byte) (q[j] | (q[j + 16] << 4)));
        }
        float[] expected = new float[32];
        for (int i = 0; i < 32; i++) {
            expected[i] = q[i] * 0.25f - 1.0f;
        }
        assertValues(expected, TestBlocks.dequantize(GgmlType.Q4_1, b, 32));
    }

    /** Q5_0/Q5_1: low nibbles as Q4, the fifth bit of element i in bit i of the 32-bit qh. */
    private static int[] packQ5(ByteBuffer b, int qhOff, int qsOff) {
        int[] q = new int[32];
        int qh = 0;
        for (int i = 0; i < 32; i++) {
            q[i] = (i * 11 + 1) % 32;
            qh |= (q[i] >> 4) << i;
        }
        b.putInt(qhOff, qh);
        for (int j = 0; j < 16; j++) {
            b.put(qsOff + j, (byte) ((q[j] & 15) | ((q[j + 16] & 15) << 4)));
        }
        return q;
    }

    @Test
    void q5_0() {
        ByteBuffer b = TestBlocks.le(22);
        b.putShort(0, Half.fromFloat(0.125f));
        int[] q = packQ5(b, 2, 6);
        float[] expected = new float[32];
        for (int i = 0; i < 32; i++) {
            expected[i] = (q[i] - 16) * 0.125f;
        }
        assertValues(expected, TestBlocks.dequantize(GgmlType.Q5_0, b, 32));
    }

    @Test
    void q5_1() {
        ByteBuffer b = TestBlocks.le(24);
        b.putShort(0, Half.fromFloat(0.0625f));
        b.putShort(2, Half.fromFloat(0.5f));
        int[] q = packQ5(b, 4, 8);
        float[] expected = new float[32];
        for (int i = 0; i < 32; i++) {
            expected[i] = q[i] * 0.0625f + 0.5f;
        }
        assertValues(expected, TestBlocks.dequantize(GgmlType.Q5_1, b, 32));
    }

    @Test
    void q8_0AndQ8_1() {
        ByteBuffer b0 = TestBlocks.le(34);
        ByteBuffer b1 = TestBlocks.le(36);
        b0.putShort(0, Half.fromFloat(0.01f));
        b1.putShort(0, Half.fromFloat(0.01f));
        b1.putShort(2, Half.fromFloat(123f));
        float d = Half.toFloat(Half.fromFloat(0.01f));
        float[] expected = new float[32];
        for (int i = 0; i < 32; i++) {
            int q = i * 8 - 128;
            b0.put(2 + i, (byte) q);
            b1.put(4 + i, (byte) q);
            expected[i] = q * d;
        }
        assertValues(expected, TestBlocks.dequantize(GgmlType.Q8_0, b0, 32));
        assertValues(expected, TestBlocks.dequantize(GgmlType.Q8_1, b1, 32));
    }

    @Test
    void q2K() {
        ByteBuffer b = TestBlocks.le(84);
        int[] sc = new int[16];
        int[] mn = new int[16];
        for (int s = 0; s < 16; s++) {
            sc[s] = (s * 3 + 1) % 16;
            mn[s] = (s * 5 + 2) % 16;
            b.put(s, (byte) (sc[s] | (mn[s] << 4)));
        }
        int[] q = new int[256];
        for (int e = 0; e < 256; e++) {
            q[e] = (e * 7 + e / 5) % 4;
            int n = e / 128;
            int j = (e % 128) / 32;
            int l = e % 32;
            int at = 16 + n * 32 + l;
            b.put(at, (byte) (b.get(at) | (q[e] << (2 * j))));
        }
        b.putShort(80, Half.fromFloat(0.5f));
        b.putShort(82, Half.fromFloat(0.25f));
        float[] expected = new float[256];
        for (int e = 0; e < 256; e++) {
            expected[e] = 0.5f * sc[e / 16] * q[e] - 0.25f * mn[e / 16];
        }
        assertValues(expected, TestBlocks.dequantize(GgmlType.Q2_K, b, 256));
    }

    @Test
    void q3K() {
        ByteBuffer b = TestBlocks.le(110);
        int[] v = new int[256];
        for (int e = 0; e < 256; e++) {
            v[e] = (e * 5 + e / 7) % 8 - 4; // [-4, 3]
            int stored = v[e] + 4;           // low 2 bits in qs, high bit in hmask
            int n = e / 128;
            int j = (e % 128) / 32;
            int l = e % 32;
            int qAt = 32 + n * 32 + l;
            b.put(qAt, (byte) (b.get(qAt) | ((stored & 3) << (2 * j))));
            if (stored >= 4) {
                b.put(l, (byte) (b.get(l) | (1 << (n * 4 + j))));
            }
        }
        int[] s6 = new int[16];
        for (int s = 0; s < 16; s++) {
            s6[s] = (s * 13 + 5) % 64;
            int lowAt = 96 + (s % 8);
            int low = s < 8 ? (s6[s] & 15) : (s6[s] & 15) << 4;
            b.put(lowAt, (byte) (b.get(lowAt) | low));
            int hiAt = 96 + 8 + s % 4;
            b.put(hiAt, (byte) (b.get(hiAt) | ((s6[s] >> 4) << (2 * (s / 4)))));
        }
        b.putShort(108, Half.fromFloat(0.5f));
        float[] expected = new float[256];
        for (int e = 0; e < 256; e++) {
            expected[e] = 0.5f * (s6[e / 16] - 32) * v[e];
        }
        assertValues(expected, TestBlocks.dequantize(GgmlType.Q3_K, b, 256));
    }

    /** The 12-byte 6-bit scale/min packing shared by Q4_K and Q5_K. */
    private static void packScalesK(ByteBuffer b, int at, int[] sc, int[] mn) {
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                b.put(at + j, (byte) ((b.get(at + j) & 0xC0) | sc[j]));
                b.put(at + j + 4, (byte) ((b.get(at + j + 4) & 0xC0) | mn[j]));
            } else {
                b.put(at + j + 4, (byte) ((sc[j] & 15) | ((mn[j] & 15) << 4)));
                b.put(at + j - 4, (byte) (b.get(at + j - 4) | ((sc[j] >> 4) << 6)));
                b.put(at + j, (byte) (b.get(at + j) | ((mn[j] >> 4) << 6)));
            }
        }
    }

    private static void scalesAndMins(int[] sc, int[] mn) {
        for (int j = 0; j < 8; j++) {
            sc[j] = (j * 17 + 9) % 64;
            mn[j] = (j * 29 + 40) % 64;
        }
    }

    @Test
    void q4K() {
        ByteBuffer b = TestBlocks.le(144);
        b.putShort(0, Half.fromFloat(0.5f));
        b.putShort(2, Half.fromFloat(0.25f));
        int[] sc = new int[8];
        int[] mn = new int[8];
        scalesAndMins(sc, mn);
        packScalesK(b, 4, sc, mn);
        int[] q = new int[256];
        for (int e = 0; e < 256; e++) {
            q[e] = (e * 3 + e / 9) % 16;
            int at = 16 + (e / 64) * 32 + e % 32;
            int shift = (e % 64) < 32 ? 0 : 4;
            b.put(at, (byte) (b.get(at) | (q[e] << shift)));
        }
        float[] expected = new float[256];
        for (int e = 0; e < 256; e++) {
            expected[e] = 0.5f * sc[e / 32] * q[e] - 0.25f * mn[e / 32];
        }
        assertValues(expected, TestBlocks.dequantize(GgmlType.Q4_K, b, 256));
    }

    @Test
    void q5K() {
        ByteBuffer b = TestBlocks.le(176);
        b.putShort(0, Half.fromFloat(0.25f));
        b.putShort(2, Half.fromFloat(0.125f));
        int[] sc = new int[8];
        int[] mn = new int[8];
        scalesAndMins(sc, mn);
        packScalesK(b, 4, sc, mn);
        int[] q = new int[256];
        for (int e = 0; e < 256; e++) {
            q[e] = (e * 7 + e / 3) % 32;
            int at = 48 + (e / 64) * 32 + e % 32;
            boolean high = (e % 64) >= 32;
            b.put(at, (byte) (b.get(at) | ((q[e] & 15) << (high ? 4 : 0))));
            if (q[e] >= 16) {
                int bit = 2 * (e / 64) + (high ? 1 : 0);
                b.put(16 + e % 32, (byte) (b.get(16 + e % 32) | (1 << bit)));
            }
        }
        float[] expected = new float[256];
        for (int e = 0; e < 256; e++) {
            expected[e] = 0.25f * sc[e / 32] * q[e] - 0.125f * mn[e / 32];
        }
        assertValues(expected, TestBlocks.dequantize(GgmlType.Q5_K, b, 256));
    }

    @Test
    void q6K() {
        ByteBuffer b = TestBlocks.le(210);
        int[] v = new int[256];
        for (int e = 0; e < 256; e++) {
            v[e] = (e * 13 + e / 11) % 64 - 32;
            int stored = v[e] + 32;
            int n = e / 128;
            int k = (e % 128) / 32;
            int l = e % 32;
            int qlAt = n * 64 + l + (k % 2) * 32;
            b.put(qlAt, (byte) (b.get(qlAt) | ((stored & 15) << (k < 2 ? 0 : 4))));
            int qhAt = 128 + n * 32 + l;
            b.put(qhAt, (byte) (b.get(qhAt) | ((stored >> 4) << (2 * k))));
        }
        int[] sc = new int[16];
        for (int s = 0; s < 16; s++) {
            sc[s] = s * 15 - 100; // signed int8
            b.put(192 + s, (byte) sc[s]);
        }
        b.putShort(208, Half.fromFloat(0.03125f));
        float[] expected = new float[256];
        for (int e = 0; e < 256; e++) {
            expected[e] = 0.03125f * sc[e / 16] * v[e];
        }
        assertValues(expected, TestBlocks.dequantize(GgmlType.Q6_K, b, 256));
    }

    @Test
    void q8K() {
        ByteBuffer b = TestBlocks.le(292);
        b.putFloat(0, 0.37f);
        float[] expected = new float[256];
        for (int e = 0; e < 256; e++) {
            int q = (e * 37) % 255 - 127;
            b.put(4 + e, (byte) q);
            expected[e] = 0.37f * q;
        }
        assertValues(expected, TestBlocks.dequantize(GgmlType.Q8_K, b, 256));
    }

    @Test
    void floatTypes() {
        ByteBuffer f32 = TestBlocks.le(12);
        ByteBuffer f16 = TestBlocks.le(6);
        ByteBuffer bf16 = TestBlocks.le(6);
        float[] v = {1.5f, -0.25f, 3.0f};
        for (int i = 0; i < 3; i++) {
            f32.putFloat(4 * i, v[i]);
            f16.putShort(2 * i, Half.fromFloat(v[i]));
            bf16.putShort(2 * i, Half.bf16FromFloat(v[i]));
        }
        assertValues(v, TestBlocks.dequantize(GgmlType.F32, f32, 3));
        assertValues(v, TestBlocks.dequantize(GgmlType.F16, f16, 3));
        assertValues(v, TestBlocks.dequantize(GgmlType.BF16, bf16, 3));
    }
}
