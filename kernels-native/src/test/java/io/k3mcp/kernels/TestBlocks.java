package io.k3mcp.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

/** Test helpers: little-endian buffers, random valid blocks, reference float dots. */
final class TestBlocks {
    private TestBlocks() {
    }

    /** A native kernel set of {@code threads} workers, never on the AI cores; fails the test when the library is missing. */
    static NativeKernels openNative(int threads) {
        NativeAvailability a = NativeKernels.available();
        if (!a.available()) {
            throw new AssertionError("native kernels unavailable: " + a.reason());
        }
        return NativeKernels.open(threads, null, null, AiPlacement.NEVER);
    }

    static ByteBuffer le(int n) {
        return ByteBuffer.allocateDirect(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    static FloatBuffer floats(float[] v) {
        FloatBuffer b = Buffers.floats(v.length);
        b.put(0, v);
        return b;
    }

    static float[] array(FloatBuffer b, int n) {
        float[] out = new float[n];
        b.get(0, out);
        return out;
    }

    static float[] gaussian(Random rnd, int n, double sigma) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * sigma);
        }
        return x;
    }

    /** ggml's test-quantize-fns data: 0.1 + 2 cos(i + offset). */
    static float[] cosine(int n, float offset) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.1f + 2 * (float) Math.cos(i + offset);
        }
        return x;
    }

    /**
     * nBlocks random blocks of {@code type}: random bytes, then every fp16/f32 scale field set to a
     * small random positive value so the block decodes to finite numbers of a sane size.
     */
    static ByteBuffer randomBlocks(GgmlType type, int nBlocks, Random rnd) {
        ByteBuffer b = le(nBlocks * type.typeSize);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) rnd.nextInt(256));
        }
        for (int ib = 0; ib < nBlocks; ib++) {
            int o = ib * type.typeSize;
            for (int f : halfScaleOffsets(type)) {
                float scale = (float) (0.001 + 0.01 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
                if (type.isQuantized() && type.blockSize == 256) {
                    scale = Math.abs(scale); // K-quant d/dmin are non-negative in real files
                }
                b.putShort(o + f, Half.fromFloat(scale));
            }
            if (type == GgmlType.Q8_K) {
                b.putFloat(o, (float) (0.01 * rnd.nextDouble()));
            }
        }
        if (!type.isQuantized()) {
            int esz = type == GgmlType.F32 ? 4 : 2;
            for (int i = 0; i < nBlocks; i++) {
                float v = (float) rnd.nextGaussian();
                switch (type) {
                    case F32 -> b.putFloat(i * esz, v);
                    case F16 -> b.putShort(i * esz, Half.fromFloat(v));
                    default -> b.putShort(i * esz, Half.bf16FromFloat(v));
                }
            }
        }
        return b;
    }

    private static int[] halfScaleOffsets(GgmlType type) {
        return switch (type) {
            case Q4_0, Q5_0, Q8_0, IQ4_NL, IQ4_XS -> new int[] {0};
            case Q4_1, Q5_1, Q8_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q6_K -> new int[] {208};
            default -> new int[0];
        };
    }

    static float[] dequantize(GgmlType type, ByteBuffer b, int n) {
        FloatBuffer out = Buffers.floats(n);
        ReferenceKernels.INSTANCE.dequantize(type, b, out, n);
        return array(out, n);
    }

    static ByteBuffer quantize(GgmlType type, float[] x) {
        ByteBuffer b = le((int) type.bytesFor(x.length));
        ReferenceKernels.INSTANCE.quantize(type, floats(x), b, x.length);
        return b;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static double absDot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs((double) a[i] * b[i]);
        }
        return s;
    }

    static double rmse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s / a.length);
    }
}
