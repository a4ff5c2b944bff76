package io.k3mcp.kernels.quant;

import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.EnumSet;
import java.util.Set;

/**
 * Weight quantisation for writing GGUF files: float rows to the bytes of a ggml type, bit-identical to
 * ggml's reference quantize_row_*_ref (what llama-quantize writes without an importance matrix; for
 * IQ4_NL/IQ4_XS quantize_iq4_nl/xs with its scale search), through
 * the reference kernels' quantisers, limited to the types synthetic models use and with checked bounds.
 */
public final class WeightQuantizer {
    private static final Set<GgmlType> SUPPORTED = EnumSet.of(
            GgmlType.F32, GgmlType.F16, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0,
            GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS);

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
        // the reference kernels' quantisers are the same ggml _ref arithmetic (byte-exact with llama-quantize)
        ReferenceKernels.INSTANCE.quantize(type, FloatBuffer.wrap(x, xOff, n).slice(), ByteBuffer.wrap(out, outOff, bytes).slice(), n);
        return bytes;
    }
}
