package io.k3mcp.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The plain-Java {@link Kernels}: mirrors ggml's generic C (ggml-quants.c, ggml-cpu/quants.c,
 * vec.cpp, ops.cpp) operation by operation so its numbers are the oracle for the native kernels.
 * Stateless and thread-safe; {@link #INSTANCE} is enough for everyone.
 *
 * <p>Exactness policy. The compute kernels follow ISO C evaluation of ggml's scalar code: every f32
 * operation rounded on its own, no fused multiply-add (a C build with {@code -ffp-contract=off}
 * matches them bit for bit). llama.cpp's own x86 build fuses products into adds (GCC's default) and
 * runs SIMD paths with other summation orders, so against llama.cpp these kernels agree to a few
 * ulp, not bit for bit. The weight quantisers are the exception: their purpose is writing GGUF
 * files, so they fuse where that build fuses and reproduce llama-quantize's bytes.
 */
public final class ReferenceKernels implements Kernels {
    public static final ReferenceKernels INSTANCE = new ReferenceKernels();

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public void matmul(GgmlType type, ByteBuffer w, int rows, int cols, FloatBuffer x, FloatBuffer y, int nTokens) {
        RefMatmul.matmul(type, w, rows, cols, x, y, nTokens);
    }

    @Override
    public void matmulExperts(GgmlType type, ByteBuffer w, int nExpert, int rows, int cols, FloatBuffer x, boolean xPerSlot,
                              ExpertRoutes routes, FloatBuffer y) {
        RefMatmul.matmulExperts(type, w, nExpert, rows, cols, x, xPerSlot, routes, y);
    }

    @Override
    public void dequantize(GgmlType type, ByteBuffer src, FloatBuffer dst, int n) {
        float[] out = new float[n];
        Dequant.row(type, le(src), 0, out, 0, n);
        dst.put(0, out);
    }

    @Override
    public void quantize(GgmlType type, FloatBuffer src, ByteBuffer dst, int n) {
        float[] in = new float[n];
        src.get(0, in);
        Quantize.row(type, in, 0, le(dst), 0, n);
    }

    /** Dot product of one weight row with an activation row already quantised to {@code type.vecDotType()}. */
    public float vecDot(GgmlType type, ByteBuffer w, ByteBuffer act, int n) {
        return VecDot.dot(type, le(w), 0, le(act), 0, n);
    }

    @Override
    public void rmsNorm(FloatBuffer x, FloatBuffer weight, FloatBuffer out, int n, int nRows, float eps) {
        RefNorm.rmsNorm(x, weight, out, n, nRows, eps);
    }

    @Override
    public void layerNorm(FloatBuffer x, FloatBuffer weight, FloatBuffer bias, FloatBuffer out, int n, int nRows, float eps) {
        RefNorm.layerNorm(x, weight, bias, out, n, nRows, eps);
    }

    @Override
    public void rope(FloatBuffer x, int nTokens, int nHeads, int headDim, int ropeDims, int pos0,
                     float base, float freqScale, boolean neox, FloatBuffer freqFactors) {
        RefRope.rope(x, nTokens, nHeads, headDim, ropeDims, pos0, base, freqScale, neox, freqFactors);
    }

    @Override
    public void attention(FloatBuffer q, ByteBuffer k, ByteBuffer v, GgmlType kvType, FloatBuffer out,
                          int nTokens, int pos0, int nKeys, int nHeads, int nKvHeads, int headDim,
                          float scale, boolean causal, int window) {
        RefAttention.attention(q, le(k), le(v), kvType, out, nTokens, pos0, nKeys, 0, nHeads, nKvHeads, headDim,
            scale, causal, window);
    }

    @Override
    public void attention(List<AttentionSequence> seqs, GgmlType kvType, int nHeads, int nKvHeads, int headDim,
                          float scale, boolean causal, int window) {
        for (AttentionSequence s : seqs) {
            RefAttention.attention(s.q(), le(s.k()), le(s.v()), kvType, s.out(), s.nTokens(), s.pos0(), s.nKeys(),
                s.headRows(), nHeads, nKvHeads, headDim, scale, causal, window);
        }
    }

    @Override
    public void swiglu(FloatBuffer gate, FloatBuffer up, FloatBuffer out, int n) {
        RefElementwise.swiglu(gate, up, out, n);
    }

    @Override
    public void geglu(FloatBuffer gate, FloatBuffer up, FloatBuffer out, int n) {
        RefElementwise.geglu(gate, up, out, n);
    }

    @Override
    public void gelu(FloatBuffer x, int n) {
        RefElementwise.gelu(x, n);
    }

    @Override
    public void add(FloatBuffer a, FloatBuffer b, FloatBuffer out, int n) {
        RefElementwise.add(a, b, out, n);
    }

    @Override
    public void addBias(FloatBuffer x, FloatBuffer bias, int n, int nRows) {
        RefElementwise.addBias(x, bias, n, nRows);
    }

    @Override
    public void scale(FloatBuffer x, float s, int n) {
        RefElementwise.scale(x, s, n);
    }

    @Override
    public void softcap(FloatBuffer x, float cap, int n) {
        RefElementwise.softcap(x, cap, n);
    }

    @Override
    public void causalConv(FloatBuffer state, FloatBuffer x, FloatBuffer weight, FloatBuffer out, int nTokens,
                           int channels, int dConv) {
        RefDeltaNet.causalConv(state, x, weight, out, nTokens, channels, dConv);
    }

    @Override
    public void gatedDeltaNet(FloatBuffer state, FloatBuffer qkv, FloatBuffer alpha, FloatBuffer beta, FloatBuffer dtBias,
                              FloatBuffer ssmA, FloatBuffer out, int nTokens, int nKHeads, int nVHeads, int s, float eps) {
        RefDeltaNet.gatedDeltaNet(state, qkv, alpha, beta, dtBias, ssmA, out, nTokens, nKHeads, nVHeads, s, eps);
    }

    @Override
    public void sigmoidMul(FloatBuffer x, FloatBuffer gate, FloatBuffer out, int n) {
        RefDeltaNet.sigmoidMul(x, gate, out, n);
    }

    /** A little-endian view of {@code b} (a plain {@code slice()} would be big-endian). */
    private static ByteBuffer le(ByteBuffer b) {
        return b.order() == ByteOrder.LITTLE_ENDIAN ? b : b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }
}
