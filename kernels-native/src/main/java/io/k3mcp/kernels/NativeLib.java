package io.k3mcp.kernels;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The C ABI of libk3kernels (k3k.h), bound with JNA direct mapping. Pointers travel as {@code long}
 * addresses; 0 is NULL. Loaded once; {@link #STATUS} says whether that worked and why not.
 */
final class NativeLib {
    /** Must equal K3K_ABI_VERSION in k3k.h. */
    static final int ABI_VERSION = 10;
    static final int PLACEMENT_FIELDS = 9;

    static final NativeAvailability STATUS = load("k3kernels");

    private NativeLib() {
    }

    /** Loads and binds {@code lib<name>.so}; package-private so a test can show the reason for a missing one. */
    static NativeAvailability load(String name) {
        try {
            NativeLibrary lib = NativeLibrary.getInstance(name);
            Native.register(NativeLib.class, lib);
            int abi = k3k_abi_version();
            if (abi != ABI_VERSION) {
                return new NativeAvailability(false, lib.getFile() + " has ABI version " + abi + ", this jar needs " + ABI_VERSION, null);
            }
            return new NativeAvailability(true, "loaded " + lib.getFile(), k3k_isa());
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return new NativeAvailability(false, "cannot load lib" + name + " for " + System.getProperty("os.name") + "/"
                + System.getProperty("os.arch") + ": " + e.getMessage(), null);
        }
    }

    static native int k3k_abi_version();

    static native String k3k_isa();

    static native int k3k_coverage(byte[] buf, int cap);

    static native void k3k_set_generic(int on);

    static native long k3k_pool_create(int nThreads, int[] cpus, int nCpus, String aiPath, int aiMode);

    static native void k3k_pool_destroy(long pool);

    static native int k3k_pool_placement(long pool, int worker, long[] out);

    static native int k3k_ime_status(long pool);

    static native int k3k_matmul(long pool, int type, long w, int rows, int cols, long x, long y, int nTokens);

    static native long k3k_packed_bytes(int type, int rows, int cols);

    static native int k3k_packed_fast(int type);

    static native int k3k_pack(int type, long src, long dst, int rows, int cols);

    static native int k3k_matmul_packed(long pool, int type, long packed, long file, int rows, int cols, long x, long y,
                                        int nTokens);

    static native int k3k_matmul_experts(long pool, int type, long packed, long file, int nExpert, int rows, int cols, long x,
                                         int xPerSlot, int[] ids, int nTokens, int nUsed, long y);

    static native int k3k_matmul_experts_pair(long pool, int type, long packedA, long fileA, long packedB, long fileB,
                                              int nExpert, int rows, int cols, long x, int[] ids, int nTokens, int nUsed,
                                              long yA, long yB);

    static native int k3k_dequantize(int type, long src, long dst, long n);

    static native int k3k_quantize(int type, long src, long dst, long n);

    static native int k3k_kv_store(int type, long src, int nTokens, int heads, int headDim, long dst, long headStride);

    static native void k3k_rms_norm_on(long pool, long x, long w, long out, int n, int nRows, float eps);

    static native void k3k_layer_norm(long x, long w, long b, long out, int n, int nRows, float eps);

    static native void k3k_rope_on(long pool, long x, int nTokens, int nHeads, int headDim, int ropeDims, int pos0,
                                   float base, float freqScale, int neox, long freqFactors);

    static native int k3k_attention(long pool, long q, long k, long v, int kvType, long out, int nTokens, int pos0,
                                    int nKeys, int nHeads, int nKvHeads, int headDim, float scale, int causal, int window);

    static native int k3k_attention_seqs(long pool, int nSeqs, long[] q, long[] k, long[] v, long[] out, int[] nTokens,
                                         int[] pos0, int[] nKeys, int[] headRows, int kvType, int nHeads, int nKvHeads,
                                         int headDim, float scale, int causal, int window);

    static native void k3k_pool_set_flash(long pool, int mode);

    static native void k3k_swiglu_on(long pool, long gate, long up, long out, int n);

    static native void k3k_geglu_on(long pool, long gate, long up, long out, int n);

    static native void k3k_softcap_on(long pool, long x, float cap, int n);

    static native void k3k_gelu(long x, int n);

    static native void k3k_add(long a, long b, long out, int n);

    static native void k3k_add_bias(long x, long bias, int n, int nRows);

    static native void k3k_scale(long x, float s, int n);

    static native void k3k_sigmoid_mul(long x, long gate, long out, int n);

    static native int k3k_causal_conv(long pool, long state, long x, long w, long out, int nTokens, int channels, int dConv);

    static native int k3k_gated_delta_net(long pool, long state, long qkv, long alpha, long beta, long dtBias, long ssmA,
                                          long out, int nTokens, int nKHeads, int nVHeads, int s, float eps);

    static native double k3k_read_bandwidth(long pool, long buf, long bytes, int reps);
}
