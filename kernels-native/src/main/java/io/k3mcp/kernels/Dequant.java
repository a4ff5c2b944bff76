package io.k3mcp.kernels;

import static io.k3mcp.kernels.Blocks.f16;
import static io.k3mcp.kernels.Blocks.u8;

import java.nio.ByteBuffer;

/**
 * Row dequantisation, mirroring ggml-quants.c dequantize_row_* (value = int * f32 in the same order,
 * scales read through fp16). The K-quants live in {@link DequantK}, IQ4_NL/IQ4_XS in {@link Iq4}.
 */
final class Dequant {
    private Dequant() {
    }

    /** Dequantises n elements of {@code type} from {@code src} at byte {@code off} into {@code y[yOff..]}. */
    static void row(GgmlType type, ByteBuffer src, int off, float[] y, int yOff, int n) {
        type.bytesFor(n);
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    y[yOff + i] = src.getFloat(off + 4 * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    y[yOff + i] = f16(src, off + 2 * i);
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    y[yOff + i] = Half.bf16ToFloat(src.getShort(off + 2 * i));
                }
            }
            case Q4_0 -> blocks(n, 32, (ib, o) -> q4_0(src, off + ib * type.typeSize, y, o), yOff);
            case Q4_1 -> blocks(n, 32, (ib, o) -> q4_1(src, off + ib * type.typeSize, y, o), yOff);
            case Q5_0 -> blocks(n, 32, (ib, o) -> q5_0(src, off + ib * type.typeSize, y, o), yOff);
            case Q5_1 -> blocks(n, 32, (ib, o) -> q5_1(src, off + ib * type.typeSize, y, o), yOff);
            case Q8_0 -> blocks(n, 32, (ib, o) -> q8(src, off + ib * type.typeSize, Blocks.Q8_0_QS, y, o), yOff);
            case Q8_1 -> blocks(n, 32, (ib, o) -> q8(src, off + ib * type.typeSize, Blocks.Q8_1_QS, y, o), yOff);
            case Q2_K -> blocks(n, 256, (ib, o) -> DequantK.q2K(src, off + ib * type.typeSize, y, o), yOff);
            case Q3_K -> blocks(n, 256, (ib, o) -> DequantK.q3K(src, off + ib * type.typeSize, y, o), yOff);
            case Q4_K -> blocks(n, 256, (ib, o) -> DequantK.q4K(src, off + ib * type.typeSize, y, o), yOff);
            case Q5_K -> blocks(n, 256, (ib, o) -> DequantK.q5K(src, off + ib * type.typeSize, y, o), yOff);
            case Q6_K -> blocks(n, 256, (ib, o) -> DequantK.q6K(src, off + ib * type.typeSize, y, o), yOff);
            case Q8_K -> blocks(n, 256, (ib, o) -> DequantK.q8K(src, off + ib * type.typeSize, y, o), yOff);
            case IQ4_NL -> blocks(n, 32, (ib, o) -> Iq4.dequantNl(src, off + ib * type.typeSize, y, o), yOff);
            case IQ4_XS -> blocks(n, 256, (ib, o) -> Iq4.dequantXs(src, off + ib * type.typeSize, y, o), yOff);
        }
    }

    @FunctionalInterface
    private interface BlockFn {
        void apply(int blockIndex, int yOff);
    }

    private static void blocks(int n, int qk, BlockFn fn, int yOff) {
        for (int ib = 0; ib < n / qk; ib++) {
            fn.apply(ib, yOff + ib * qk);
        }
    }

    private static void q4_0(ByteBuffer b, int o, float[] y, int yo) {
        float d = f16(b, o);
        for (int j = 0; j < 16; j++) {
            int q = u8(b, o + 2 + j);
            y[yo + j] = ((q & 0x0F) - 8) * d;
            y[yo + j + 16] = ((q >> 4) - 8) * d;
        }
    }

    private static void q4_1(ByteBuffer b, int o, float[] y, int yo) {
        float d = f16(b, o);
        float m = f16(b, o + 2);
        for (int j = 0; j < 16; j++) {
            int q = u8(b, o + Blocks.Q4_1_QS + j);
            y[yo + j] = (q & 0x0F) * d + m;
            y[yo + j + 16] = (q >> 4) * d + m;
        }
    }

    private static void q5_0(ByteBuffer b, int o, float[] y, int yo) {
        float d = f16(b, o);
        int qh = b.getInt(o + Blocks.Q5_0_QH);
        for (int j = 0; j < 16; j++) {
            int q = u8(b, o + Blocks.Q5_0_QS + j);
            int xh0 = ((qh >>> j) << 4) & 0x10;
            int xh1 = (qh >>> (j + 12)) & 0x10;
            y[yo + j] = (((q & 0x0F) | xh0) - 16) * d;
            y[yo + j + 16] = (((q >> 4) | xh1) - 16) * d;
        }
    }

    private static void q5_1(ByteBuffer b, int o, float[] y, int yo) {
        float d = f16(b, o);
        float m = f16(b, o + 2);
        int qh = b.getInt(o + Blocks.Q5_1_QH);
        for (int j = 0; j < 16; j++) {
            int q = u8(b, o + Blocks.Q5_1_QS + j);
            int xh0 = ((qh >>> j) << 4) & 0x10;
            int xh1 = (qh >>> (j + 12)) & 0x10;
            y[yo + j] = ((q & 0x0F) | xh0) * d + m;
            y[yo + j + 16] = ((q >> 4) | xh1) * d + m;
        }
    }

    private static void q8(ByteBuffer b, int o, int qs, float[] y, int yo) {
        float d = f16(b, o);
        for (int j = 0; j < 32; j++) {
            y[yo + j] = b.get(o + qs + j) * d;
        }
    }
}
