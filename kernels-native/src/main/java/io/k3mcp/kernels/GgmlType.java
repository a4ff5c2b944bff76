package io.k3mcp.kernels;

/**
 * ggml tensor types as GGUF numbers them, with their block geometry (ggml-common.h).
 * A row of {@code n} elements of a quantised type takes {@code n / blockSize * typeSize} bytes;
 * {@code n} must be a multiple of {@code blockSize}.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 2 + 16),
    Q4_1(3, 32, 2 + 2 + 16),
    Q5_0(6, 32, 2 + 4 + 16),
    Q5_1(7, 32, 2 + 2 + 4 + 16),
    Q8_0(8, 32, 2 + 32),
    Q8_1(9, 32, 4 + 32),
    Q2_K(10, 256, 16 + 64 + 2 + 2),
    Q3_K(11, 256, 32 + 64 + 12 + 2),
    Q4_K(12, 256, 2 + 2 + 12 + 128),
    Q5_K(13, 256, 2 + 2 + 12 + 32 + 128),
    Q6_K(14, 256, 128 + 64 + 16 + 2),
    Q8_K(15, 256, 4 + 256 + 32),
    IQ4_NL(20, 32, 2 + 16),
    IQ4_XS(23, 256, 2 + 2 + 4 + 128),
    BF16(30, 1, 2);

    /** Super-block size of the K-quants. */
    public static final int QK_K = 256;

    public final int id;
    public final int blockSize;
    public final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /** Bytes taken by {@code n} elements; throws when n is not a whole number of blocks. */
    public long bytesFor(long n) {
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(name() + ": " + n + " elements is not a multiple of the block size " + blockSize);
        }
        return n / blockSize * typeSize;
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }

    /**
     * The type activations are quantised to before a dot product with weights of this type,
     * as llama.cpp's CPU backend does (type_traits_cpu[type].vec_dot_type).
     */
    public GgmlType vecDotType() {
        return switch (this) {
            case F32 -> F32;
            case F16 -> F16;
            case BF16 -> BF16;
            case Q4_0, Q5_0, Q8_0, IQ4_NL -> Q8_0;
            case Q4_1, Q5_1 -> Q8_1;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, IQ4_XS -> Q8_K;
            case Q8_1 -> throw new UnsupportedOperationException("Q8_1 is an activation type only");
        };
    }

    /** The type with GGUF number {@code id}, or null when k3mcp does not support it. */
    public static GgmlType byId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
