package io.k3mcp.kernels.quant;

import io.k3mcp.kernels.Half;

/** Reference quantizers for the 32-element block types (ggml-quants.c quantize_row_q4_0_ref, _q8_0_ref). */
final class LegacyQuantizers {
    private LegacyQuantizers() {
    }

    /** block_q4_0: fp16 d, 16 bytes of nibbles (element j low, j+16 high); x = (q - 8) * d. */
    static void q4_0(float[] x, int xOff, int n, byte[] out, int outOff) {
        for (int b = 0; b < n / 32; b++) {
            int base = xOff + b * 32;
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[base + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            int o = outOff + b * 18;
            putHalf(out, o, Half.fromFloat(d));
            for (int j = 0; j < 16; j++) {
                // x * id + 8.5 is one fused multiply-add in llama.cpp's x86-64 build
                int q0 = Math.min(15, (byte) (int) Math.fma(x[base + j], id, 8.5f));
                int q1 = Math.min(15, (byte) (int) Math.fma(x[base + 16 + j], id, 8.5f));
                out[o + 2 + j] = (byte) (q0 | (q1 << 4));
            }
        }
    }

    /** block_q8_0: fp16 d, 32 signed bytes; x = q * d with d = amax / 127. */
    static void q8_0(float[] x, int xOff, int n, byte[] out, int outOff) {
        for (int b = 0; b < n / 32; b++) {
            int base = xOff + b * 32;
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[base + j]));
            }
            float d = amax / ((1 << 7) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            int o = outOff + b * 34;
            putHalf(out, o, Half.fromFloat(d));
            for (int j = 0; j < 32; j++) {
                out[o + 2 + j] = (byte) (int) QuantMath.roundf(x[base + j] * id);
            }
        }
    }

    static void putHalf(byte[] out, int o, short h) {
        out[o] = (byte) h;
        out[o + 1] = (byte) (h >> 8);
    }
}
