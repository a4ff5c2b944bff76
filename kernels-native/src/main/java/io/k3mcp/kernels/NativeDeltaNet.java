package io.k3mcp.kernels;

import static io.k3mcp.kernels.NativeArgs.addr;
import static io.k3mcp.kernels.NativeArgs.check;
import static io.k3mcp.kernels.NativeArgs.outAddr;

import java.nio.FloatBuffer;

/** The checked native calls of the gated delta-net kernels (NativeKernels holds the pool and the lock). */
final class NativeDeltaNet {
    /** Taps the C convolution takes at most (real models have 4). */
    static final int MAX_TAPS = 64;

    private NativeDeltaNet() {
    }

    static void causalConv(long pool, FloatBuffer state, FloatBuffer x, FloatBuffer weight, FloatBuffer out, int nTokens,
                           int channels, int dConv) {
        check(nTokens >= 0 && channels > 0 && dConv > 0 && dConv <= MAX_TAPS, () -> "causalConv: tokens " + nTokens + ", channels "
            + channels + ", taps " + dConv + " (1 to " + MAX_TAPS + " taps are supported)");
        long io = (long) nTokens * channels;
        int rc = NativeLib.k3k_causal_conv(pool, outAddr(state, (long) (dConv - 1) * channels, "causalConv state"),
            addr(x, io, "causalConv x"), addr(weight, (long) channels * dConv, "causalConv weight"), outAddr(out, io, "causalConv out"),
            nTokens, channels, dConv);
        check(rc == 0, "causalConv: rejected by the native kernel");
    }

    static void gatedDeltaNet(long pool, FloatBuffer state, FloatBuffer qkv, FloatBuffer alpha, FloatBuffer beta,
                              FloatBuffer dtBias, FloatBuffer ssmA, FloatBuffer out, int nTokens, int nKHeads, int nVHeads,
                              int s, float eps) {
        check(nTokens >= 0 && nKHeads > 0 && nVHeads > 0 && nVHeads % nKHeads == 0 && s > 0, () -> "gatedDeltaNet: tokens " + nTokens
            + ", K heads " + nKHeads + ", V heads " + nVHeads + " (a multiple of the K heads), state size " + s);
        long gates = (long) nTokens * nVHeads;
        int rc = NativeLib.k3k_gated_delta_net(pool, outAddr(state, (long) nVHeads * s * s, "gatedDeltaNet state"),
            addr(qkv, (long) nTokens * (2 * nKHeads + nVHeads) * s, "gatedDeltaNet qkv"), addr(alpha, gates, "gatedDeltaNet alpha"),
            addr(beta, gates, "gatedDeltaNet beta"), addr(dtBias, nVHeads, "gatedDeltaNet dtBias"), addr(ssmA, nVHeads, "gatedDeltaNet ssmA"),
            outAddr(out, gates * s, "gatedDeltaNet out"), nTokens, nKHeads, nVHeads, s, eps);
        check(rc == 0, "gatedDeltaNet: rejected by the native kernel");
    }
}
