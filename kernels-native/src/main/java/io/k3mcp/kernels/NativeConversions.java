package io.k3mcp.kernels;

import static io.k3mcp.kernels.NativeArgs.addr;
import static io.k3mcp.kernels.NativeArgs.check;
import static io.k3mcp.kernels.NativeArgs.outAddr;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/** The checked native conversions: dequantise, quantise, and the head-major cache store (NativeKernels holds the lock). */
final class NativeConversions {
    private NativeConversions() {
    }

    static void dequantize(GgmlType type, ByteBuffer src, FloatBuffer dst, int n) {
        check(n >= 0, () -> "dequantize: n " + n + " is negative");
        long bytes = type.bytesFor(n);
        int rc = NativeLib.k3k_dequantize(type.id, addr(src, bytes, "dequantize src"), outAddr(dst, n, "dequantize dst"), n);
        check(rc == 0, () -> "dequantize: type " + type + " is not supported");
    }

    static void quantize(GgmlType type, FloatBuffer src, ByteBuffer dst, int n) {
        check(n >= 0, () -> "quantize: n " + n + " is negative");
        long bytes = type.bytesFor(n);
        long s = addr(src, n, "quantize src");
        long d = outAddr(dst, bytes, "quantize dst");
        if (NativeLib.k3k_quantize(type.id, s, d, n) != 0) {
            throw new UnsupportedOperationException("quantize to " + type + " is not implemented");
        }
    }

    /** {@link Kernels#storeKv}: the arguments checked, then one k3k_kv_store call. */
    static void storeKv(GgmlType type, FloatBuffer src, int nTokens, int heads, int headDim, ByteBuffer dst, long headStride) {
        long headBytes = KvStore.check(type, nTokens, heads, headDim, headStride);
        long s = addr(src, (long) nTokens * heads * headDim, "storeKv src");
        long d = outAddr(dst, KvStore.span(nTokens, heads, headBytes, headStride), "storeKv dst");
        if (NativeLib.k3k_kv_store(type.id, s, nTokens, heads, headDim, d, headStride) != 0) {
            throw new UnsupportedOperationException("storeKv to " + type + " is not implemented");
        }
    }
}
