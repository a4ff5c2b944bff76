package io.k3mcp.kernels;

import java.nio.ByteBuffer;

/** The 32-element weight quantisers quantize_row_q4_0/q4_1/q5_0/q5_1_ref, for writing models. */
final class QuantizeLegacy {
    private QuantizeLegacy() {
    }

    static void q4_0(float[] x, int xo, ByteBuffer y, int o) {
        float amax = 0.0f;
        float max = 0.0f;
        for (int j = 0; j < 32; j++) {
            float v = x[xo + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        y.putShort(o, Half.fromFloat(d));
        for (int j = 0; j < 16; j++) {
            int xi0 = Math.min(15, (byte) (int) (x[xo + j] * id + 8.5f));
            int xi1 = Math.min(15, (byte) (int) (x[xo + 16 + j] * id + 8.5f));
            y.put(o + 2 + j, (byte) (xi0 | (xi1 << 4)));
        }
    }

    static void q4_1(float[] x, int xo, ByteBuffer y, int o) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < 32; j++) {
            float v = x[xo + j];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        float d = (max - min) / 15;
        float id = d != 0 ? 1.0f / d : 0.0f;
        y.putShort(o, Half.fromFloat(d));
        y.putShort(o + 2, Half.fromFloat(min));
        for (int j = 0; j < 16; j++) {
            int xi0 = Math.min(15, (byte) (int) ((x[xo + j] - min) * id + 0.5f));
            int xi1 = Math.min(15, (byte) (int) ((x[xo + 16 + j] - min) * id + 0.5f));
            y.put(o + Blocks.Q4_1_QS + j, (byte) (xi0 | (xi1 << 4)));
        }
    }

    static void q5_0(float[] x, int xo, ByteBuffer y, int o) {
        float amax = 0.0f;
        float max = 0.0f;
        for (int j = 0; j < 32; j++) {
            float v = x[xo + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -16;
        float id = d != 0 ? 1.0f / d : 0.0f;
        y.putShort(o, Half.fromFloat(d));
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int xi0 = Math.min(31, (byte) (int) (x[xo + j] * id + 16.5f));
            int xi1 = Math.min(31, (byte) (int) (x[xo + 16 + j] * id + 16.5f));
            y.put(o + Blocks.Q5_0_QS + j, (byte) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4)));
            qh |= ((xi0 & 0x10) >>> 4) << j;
            qh |= ((xi1 & 0x10) >>> 4) << (j + 16);
        }
        y.putInt(o + Blocks.Q5_0_QH, qh);
    }

    static void q5_1(float[] x, int xo, ByteBuffer y, int o) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < 32; j++) {
            float v = x[xo + j];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        float d = (max - min) / 31;
        float id = d != 0 ? 1.0f / d : 0.0f;
        y.putShort(o, Half.fromFloat(d));
        y.putShort(o + 2, Half.fromFloat(min));
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int xi0 = ((int) ((x[xo + j] - min) * id + 0.5f)) & 0xff;
            int xi1 = ((int) ((x[xo + 16 + j] - min) * id + 0.5f)) & 0xff;
            y.put(o + Blocks.Q5_1_QS + j, (byte) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4)));
            qh |= ((xi0 & 0x10) >>> 4) << j;
            qh |= ((xi1 & 0x10) >>> 4) << (j + 16);
        }
        y.putInt(o + Blocks.Q5_1_QH, qh);
    }
}
