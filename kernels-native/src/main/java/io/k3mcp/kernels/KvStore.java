package io.k3mcp.kernels;

/** The arguments of {@link Kernels#storeKv}, checked the same way on every implementation. */
final class KvStore {
    private KvStore() {
    }

    /** The bytes of one head's row, once the arguments are known to be valid. */
    static long check(GgmlType type, int nTokens, int heads, int headDim, long headStride) {
        if (nTokens < 0 || heads <= 0 || headDim <= 0 || headDim % type.blockSize != 0) {
            throw new IllegalArgumentException("storeKv: " + nTokens + " tokens of " + heads + " heads of " + headDim
                    + " (a multiple of " + type + "'s block of " + type.blockSize + ")");
        }
        long headBytes = type.bytesFor(headDim);
        if (headStride < nTokens * headBytes) {
            throw new IllegalArgumentException("storeKv: a head stride of " + headStride + " bytes cannot hold " + nTokens
                    + " rows of " + headBytes);
        }
        return headBytes;
    }

    /** Bytes of dst the store writes up to: the last head's rows end there. */
    static long span(int nTokens, int heads, long headBytes, long headStride) {
        return (heads - 1) * headStride + nTokens * headBytes;
    }
}
