package io.k3mcp.kernels;

import java.nio.ByteBuffer;

/**
 * Row quantisation, mirroring ggml-quants.c quantize_row_*_ref (the deterministic reference
 * quantisers, also what ggml's generic CPU path uses for activations). K-quant weights are in
 * {@link QuantizeK}, IQ4_NL/IQ4_XS weights in {@link QuantizeIq4}.
 */
final class Quantize {
    private Quantize() {
    }

    /** Quantises {@code x[xOff..xOff+n)} as {@code type} into {@code dst} at byte {@code off}. */
    static void row(GgmlType type, float[] x, int xOff, ByteBuffer dst, int off, int n) {
        type.bytesFor(n);
        int nb = n / type.blockSize;
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    dst.putFloat(off + 4 * i, x[xOff + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst.putShort(off + 2 * i, Half.fromFloat(x[xOff + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst.putShort(off + 2 * i, Half.bf16FromFloat(x[xOff + i]));
                }
            }
            case Q8_0 -> {
                for (int i = 0; i < nb; i++) {
                    q8_0(x, xOff + 32 * i, dst, off + i * type.typeSize);
                }
            }
            case Q8_1 -> {
                for (int i = 0; i < nb; i++) {
                    q8_1(x, xOff + 32 * i, dst, off + i * type.typeSize);
                }
            }
            case Q8_K -> {
                for (int i = 0; i < nb; i++) {
                    q8K(x, xOff + 256 * i, dst, off + i * type.typeSize);
                }
            }
            case Q4_0 -> {
                for (int i = 0; i < nb; i++) {
                    QuantizeLegacy.q4_0(x, xOff + 32 * i, dst, off + i * type.typeSize);
                }
            }
            case Q4_1 -> {
                for (int i = 0; i < nb; i++) {
                    QuantizeLegacy.q4_1(x, xOff + 32 * i, dst, off + i * type.typeSize);
                }
            }
            case Q5_0 -> {
                for (int i = 0; i < nb; i++) {
                    QuantizeLegacy.q5_0(x, xOff + 32 * i, dst, off + i * type.typeSize);
                }
            }
            case Q5_1 -> {
                for (int i = 0; i < nb; i++) {
                    QuantizeLegacy.q5_1(x, xOff + 32 * i, dst, off + i * type.typeSize);
                }
            }
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> {
                for (int i = 0; i < nb; i++) {
                    QuantizeK.block(type, x, xOff + 256 * i, dst, off + i * type.typeSize);
                }
            }
            case IQ4_NL -> {
                for (int i = 0; i < nb; i++) {
                    QuantizeIq4.blockNl(x, xOff + 32 * i, dst, off + i * type.typeSize);
                }
            }
            case IQ4_XS -> {
                for (int i = 0; i < nb; i++) {
                    QuantizeIq4.blockXs(x, xOff + 256 * i, dst, off + i * type.typeSize);
                }
            }
        }
    }

    static void q8_0(float[] x, int xo, ByteBuffer y, int o) {
        float amax = 0.0f;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[xo + j]));
        }
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        y.putShort(o, Half.fromFloat(d));
        for (int j = 0; j < 32; j++) {
            y.put(o + Blocks.Q8_0_QS + j, GgmlMath.roundToByte(x[xo + j] * id));
        }
    }

    static void q8_1(float[] x, int xo, ByteBuffer y, int o) {
        float amax = 0.0f;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[xo + j]));
        }
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        y.putShort(o, Half.fromFloat(d));
        int sum = 0;
        for (int j = 0; j < 16; j++) {
            byte v0 = GgmlMath.roundToByte(x[xo + j] * id);
            byte v1 = GgmlMath.roundToByte(x[xo + 16 + j] * id);
            y.put(o + Blocks.Q8_1_QS + j, v0);
            y.put(o + Blocks.Q8_1_QS + 16 + j, v1);
            sum += v0 + v1;
        }
        y.putShort(o + 2, Half.fromFloat(sum * d));
    }

    static void q8K(float[] x, int xo, ByteBuffer y, int o) {
        float max = 0;
        float amax = 0;
        for (int j = 0; j < 256; j++) {
            float ax = Math.abs(x[xo + j]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + j];
            }
        }
        if (amax == 0) {
            // ggml leaves bsums untouched here; k3mcp zeroes the whole block so output is defined
            y.putFloat(o, 0);
            for (int j = 0; j < 256; j++) {
                y.put(o + Blocks.Q8_K_QS + j, (byte) 0);
            }
            for (int j = 0; j < 16; j++) {
                y.putShort(o + Blocks.Q8_K_BSUMS + 2 * j, (short) 0);
            }
            return;
        }
        float iscale = -127.f / max;
        for (int j = 0; j < 256; j++) {
            int v = GgmlMath.nearestInt(iscale * x[xo + j]);
            y.put(o + Blocks.Q8_K_QS + j, (byte) Math.min(127, v));
        }
        for (int j = 0; j < 16; j++) {
            int sum = 0;
            for (int ii = 0; ii < 16; ii++) {
                sum += y.get(o + Blocks.Q8_K_QS + j * 16 + ii);
            }
            y.putShort(o + Blocks.Q8_K_BSUMS + 2 * j, (short) sum);
        }
        y.putFloat(o, 1 / iscale);
    }
}
