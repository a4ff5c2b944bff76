package io.k3mcp.kernels.quant;

import io.k3mcp.kernels.Half;

import io.k3mcp.kernels.GgmlType;

import java.util.EnumSet;
import java.util.Set;

/**
 * k3mcp's own weight quantizers: float rows to the bytes of a ggml type, bit-identical to ggml's
 * reference quantize_row_*_ref (what llama-quantize writes without an importance matrix).
 * Used to write synthetic benchmark models; activations use the kernels' quantize instead.
 */
public final class WeightQuantizer {
    private static final Set<GgmlType> SUPPORTED = EnumSet.of(
            GgmlType.F32, GgmlType.F16, GgmlType.Q4_0, GgmlType.Q8_0,
            GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q6_K);

    private WeightQuantizer() {
    }

    public static boolean supports(GgmlType type) {
        return SUPPORTED.contains(type);
    }

    /** The types {@link #quantize} accepts. */
    public static Set<GgmlType> supported() {
        return EnumSet.copyOf(SUPPORTED);
    }

    /**
     * Quantises {@code n} floats of {@code x} from {@code xOff} into {@code out} at {@code outOff}.
     *
     * @return the number of bytes written ({@code type.bytesFor(n)})
     * @throws IllegalArgumentException for an unsupported type, n not a whole number of blocks, or short arrays
     */
    public static int quantize(GgmlType type, float[] x, int xOff, int n, byte[] out, int outOff) {
        if (!supports(type)) {
            throw new IllegalArgumentException("no weight quantizer for " + type + " (supported: " + SUPPORTED + ")");
        }
        int bytes = Math.toIntExact(type.bytesFor(n));
        if (xOff < 0 || xOff + n > x.length) {
            throw new IllegalArgumentException("input: " + n + " floats from " + xOff + " exceed length " + x.length);
        }
        if (outOff < 0 || outOff + bytes > out.length) {
            throw new IllegalArgumentException("output: " + bytes + " bytes from " + outOff + " exceed length " + out.length);
        }
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    int bits = Float.floatToRawIntBits(x[xOff + i]);
                    int o = outOff + 4 * i;
                    out[o] = (byte) bits;
                    out[o + 1] = (byte) (bits >> 8);
                    out[o + 2] = (byte) (bits >> 16);
                    out[o + 3] = (byte) (bits >> 24);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    LegacyQuantizers.putHalf(out, outOff + 2 * i, Half.fromFloat(x[xOff + i]));
                }
            }
            case Q4_0 -> LegacyQuantizers.q4_0(x, xOff, n, out, outOff);
            case Q8_0 -> LegacyQuantizers.q8_0(x, xOff, n, out, outOff);
            case Q2_K -> KQuantizers.q2K(x, xOff, n, out, outOff);
            case Q3_K -> KQuantizers.q3K(x, xOff, n, out, outOff);
            case Q4_K -> KQuantizers.q4K(x, xOff, n, out, outOff);
            case Q6_K -> KQuantizers.q6K(x, xOff, n, out, outOff);
            default -> throw new IllegalStateException("unreachable: " + type);
        }
        return bytes;
    }
}
