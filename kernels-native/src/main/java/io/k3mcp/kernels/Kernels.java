package io.k3mcp.kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Every piece of arithmetic a forward pass needs. Two implementations: {@link ReferenceKernels}
 * (plain Java, mirrors ggml's generic C and is the oracle) and {@code NativeKernels} (C through JNA on
 * the pinned worker pool).
 *
 * <p>Buffer conventions, the same for every method:
 * <ul>
 *   <li>Buffers are direct and little-endian (weights are slices of the memory-mapped GGUF file;
 *       activations come from {@link Buffers#floats}). Slice to pass an offset.</li>
 *   <li>Indices are absolute from 0; the buffer's position and limit are ignored and never changed.</li>
 *   <li>A matrix {@code W} of {@code rows x cols} is stored row-major as GGUF does for a tensor with
 *       {@code ne = [cols, rows]}: row r is {@code cols} consecutive elements of its type.</li>
 *   <li>Activations of {@code nTokens} tokens are stored token-major: token t occupies
 *       {@code [t * width, (t + 1) * width)}.</li>
 * </ul>
 * Callers validate shapes before calling; implementations check only what is cheap.
 */
public interface Kernels extends AutoCloseable {

    /** Human-readable name of the implementation and its ISA path, e.g. "reference", "native-avx2". */
    String name();

    // ---- matrix products -------------------------------------------------------------------

    /**
     * {@code y[t][r] = dot(W[r], x[t])} for {@code t < nTokens}, {@code r < rows}. The activations are
     * first quantised to {@link GgmlType#vecDotType()} exactly as llama.cpp's CPU backend does, so
     * quantised results match it. x: nTokens x cols floats; y: nTokens x rows floats.
     */
    void matmul(GgmlType type, ByteBuffer w, int rows, int cols, FloatBuffer x, FloatBuffer y, int nTokens);

    /**
     * The weights rearranged into this implementation's own faster layout, or null when it has none
     * for this type and shape, or none faster on this CPU (then {@link #matmul} the file's bytes). The
     * default has none.
     */
    default PackedWeights pack(GgmlType type, ByteBuffer w, int rows, int cols) {
        return null;
    }

    /** The name of this implementation's packed layout, or null when it has none (or packing is off). */
    default String packedLayout() {
        return null;
    }

    /** Whether {@link #matmulPacked} reads this packed matrix (it was packed into this implementation's layout). */
    default boolean reads(PackedWeights w) {
        return false;
    }

    /** {@link #matmul} over weights that {@link #pack} returned; the result is the same product. */
    default void matmulPacked(PackedWeights w, FloatBuffer x, FloatBuffer y, int nTokens) {
        throw new UnsupportedOperationException(name() + " does not read the packed layout " + w.layout());
    }

    /**
     * The expert products of a mixture-of-experts layer (llama.cpp's {@code mul_mat_id}). {@code w} holds
     * {@code nExpert} slabs of {@code rows x cols}, expert e's at {@code e * rows * rowBytes} (a GGUF 3-D
     * tensor {@code ne = [cols, rows, nExpert]}). For pair {@code p = t * nUsed + s} of {@code routes},
     * {@code y[p * rows + r] = dot(W_e[r], x_p)} with e = {@code routes.experts()[p]} and x_p row p of x
     * ({@code xPerSlot}) or row t (a token's slots share its activation row). Activations are quantised as
     * {@link #matmul} does, once per row; only the named experts' slabs are read. y: pairs x rows floats.
     */
    void matmulExperts(GgmlType type, ByteBuffer w, int nExpert, int rows, int cols, FloatBuffer x, boolean xPerSlot,
                       ExpertRoutes routes, FloatBuffer y);

    /**
     * {@link #matmulExperts} over all the slabs packed as one matrix of {@code nExpert * rows} rows by
     * {@link #pack} (each slab a whole number of packed row groups); the result is the same product.
     */
    default void matmulExpertsPacked(PackedWeights w, int nExpert, FloatBuffer x, boolean xPerSlot, ExpertRoutes routes,
                                     FloatBuffer y) {
        throw new UnsupportedOperationException(name() + " does not read the packed layout " + w.layout());
    }

    /**
     * {@link #matmulExperts} of two expert tensors of one type and shape (a SwiGLU's gate and up) on the same
     * x (one row per token) and routes: y_a from w_a, y_b from w_b, each read packed where its {@code packed}
     * is not null (made by {@link #pack}) and in the file layout otherwise. The results are the two single
     * products; native kernels do both in one pass (one quantisation of x, one pool round).
     */
    default void matmulExpertsPair(GgmlType type, int nExpert, int rows, int cols, ByteBuffer wA, PackedWeights packedA,
                                   ByteBuffer wB, PackedWeights packedB, FloatBuffer x, ExpertRoutes routes,
                                   FloatBuffer yA, FloatBuffer yB) {
        for (int m = 0; m < 2; m++) {
            PackedWeights packed = m == 0 ? packedA : packedB;
            if (packed != null) {
                matmulExpertsPacked(packed, nExpert, x, false, routes, m == 0 ? yA : yB);
            } else {
                matmulExperts(type, m == 0 ? wA : wB, nExpert, rows, cols, x, false, routes, m == 0 ? yA : yB);
            }
        }
    }

    // ---- conversions -----------------------------------------------------------------------

    /** Dequantises {@code n} elements of {@code type} at the start of {@code src} into {@code dst}. */
    void dequantize(GgmlType type, ByteBuffer src, FloatBuffer dst, int n);

    /** Quantises {@code n} floats into {@code dst} as {@code type} (at least F32, F16, Q8_0, Q8_1, Q8_K). */
    void quantize(GgmlType type, FloatBuffer src, ByteBuffer dst, int n);

    /**
     * Writes {@code nTokens} rows of {@code heads} heads of {@code headDim} floats (token t's head h at
     * {@code (t * heads + h) * headDim}) into a head-major cache ({@link AttentionSequence#headRows()}): head h's row
     * of token t at byte {@code h * headStride + t * type.bytesFor(headDim)} of {@code dst}, converted as
     * {@link #quantize} converts.
     */
    default void storeKv(GgmlType type, FloatBuffer src, int nTokens, int heads, int headDim, ByteBuffer dst, long headStride) {
        long headBytes = KvStore.check(type, nTokens, heads, headDim, headStride);
        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < nTokens; t++) {
                quantize(type, Buffers.slice(src, (t * heads + h) * headDim, headDim),
                    Buffers.slice(dst, h * headStride + t * headBytes, headBytes), headDim);
            }
        }
    }

    // ---- normalisation ---------------------------------------------------------------------

    /** RMS norm of each of {@code nRows} rows of {@code n}: out = x / sqrt(mean(x^2) + eps) * weight (weight may be null). */
    void rmsNorm(FloatBuffer x, FloatBuffer weight, FloatBuffer out, int n, int nRows, float eps);

    /** Layer norm of each of {@code nRows} rows: out = (x - mean) / sqrt(var + eps) * weight + bias (either may be null). */
    void layerNorm(FloatBuffer x, FloatBuffer weight, FloatBuffer bias, FloatBuffer out, int n, int nRows, float eps);

    // ---- position --------------------------------------------------------------------------

    /**
     * Rotary embedding in place on {@code nTokens x nHeads x headDim} floats; token t sits at
     * position {@code pos0 + t}. The first {@code ropeDims} dims of each head rotate with
     * theta_i = pos * freqScale * base^(-2i/ropeDims) / f_i, where f_i are the per-pair
     * {@code freqFactors} ({@code ropeDims / 2} floats, Llama 3.1+'s {@code rope_freqs.weight}) or 1
     * when null. {@code neox} rotates pairs (i, i + ropeDims/2) (GPT-NeoX, Qwen, Gemma); otherwise
     * adjacent pairs (2i, 2i+1) (llama "normal").
     */
    default void rope(FloatBuffer x, int nTokens, int nHeads, int headDim, int ropeDims, int pos0,
                      float base, float freqScale, boolean neox) {
        rope(x, nTokens, nHeads, headDim, ropeDims, pos0, base, freqScale, neox, null);
    }

    /**
     * {@link #rope} with per-pair frequency factors ({@code ropeDims / 2} floats, or null for none):
     * pair i turns by {@code theta_i / freqFactors[i]} (Llama 3.1 rope_freqs; Gemma 4's proportional RoPE,
     * whose 1e30 factors leave a pair unrotated).
     */
    void rope(FloatBuffer x, int nTokens, int nHeads, int headDim, int ropeDims, int pos0,
              float base, float freqScale, boolean neox, FloatBuffer freqFactors);

    // ---- attention -------------------------------------------------------------------------

    /**
     * Scaled dot-product attention for {@code nTokens} queries against a key/value store.
     * q and out: nTokens x nHeads x headDim floats. k and v: {@code nKeys} rows of
     * {@code nKvHeads x headDim} elements of {@code kvType} (F32 or F16), row j holding position j.
     * Query head h uses kv head {@code h / (nHeads / nKvHeads)} (GQA). Query t sits at position
     * {@code pos0 + t}; when {@code causal} it sees keys {@code j <= pos0 + t} and, when
     * {@code window > 0}, only {@code j > pos0 + t - window}; otherwise it sees all nKeys keys.
     * Scores are {@code scale * q.k}, softmax in f32.
     */
    void attention(FloatBuffer q, ByteBuffer k, ByteBuffer v, GgmlType kvType, FloatBuffer out,
                   int nTokens, int pos0, int nKeys, int nHeads, int nKvHeads, int headDim,
                   float scale, boolean causal, int window);

    /**
     * {@link #attention(FloatBuffer, ByteBuffer, ByteBuffer, GgmlType, FloatBuffer, int, int, int, int, int, int, float,
     * boolean, int)} for several sequences, each over its own cache (a batched decode step): every output equals
     * the one-sequence call's. An implementation may run them in one pass.
     */
    void attention(List<AttentionSequence> seqs, GgmlType kvType, int nHeads, int nKvHeads, int headDim,
                   float scale, boolean causal, int window);

    // ---- element-wise ----------------------------------------------------------------------

    /** out = silu(gate) * up over n elements (SwiGLU). */
    void swiglu(FloatBuffer gate, FloatBuffer up, FloatBuffer out, int n);

    /** out = gelu_tanh(gate) * up over n elements (Gemma's GeGLU). */
    void geglu(FloatBuffer gate, FloatBuffer up, FloatBuffer out, int n);

    /** In place x = gelu(x), tanh approximation as ggml_gelu (BERT). */
    void gelu(FloatBuffer x, int n);

    /** out = a + b over n elements (out may alias a or b). */
    void add(FloatBuffer a, FloatBuffer b, FloatBuffer out, int n);

    /** In place x[r] += bias for each of nRows rows of n elements. */
    void addBias(FloatBuffer x, FloatBuffer bias, int n, int nRows);

    /** In place x *= s over n elements. */
    void scale(FloatBuffer x, float s, int n);

    /** In place x = cap * tanh(x / cap) over n elements (Gemma's final logit soft-capping); cap > 0. */
    void softcap(FloatBuffer x, float cap, int n);

    // ---- gated delta net (Qwen3.5 recurrent layers) -----------------------------------------------

    /**
     * Causal depthwise convolution with its rolling window, then silu: for channel c and token t,
     * {@code out[t][c] = silu(sum_i weight[c][i] * w_c[t + i])} where {@code w_c} is the dConv-1 inputs
     * the state holds for c followed by {@code x[.][c]}. The state ((dConv-1) x channels floats,
     * time-major, oldest row first) is updated to the last dConv-1 inputs. x and out: nTokens x channels.
     */
    void causalConv(FloatBuffer state, FloatBuffer x, FloatBuffer weight, FloatBuffer out, int nTokens,
                    int channels, int dConv);

    /**
     * The gated delta rule over nTokens tokens, sequentially (as llama.cpp's fused CPU op), for every V
     * head h with Q/K head {@code h mod nKHeads}. Per token: q and k L2-normalised (eps inside the root
     * of the sum), {@code beta = sigmoid(beta)}, {@code decay = exp(softplus(alpha + dtBias[h]) * ssmA[h])};
     * {@code M = decay M; d = (v - M^T k) beta; M += k d^T; out = M^T q / sqrt(s)}.
     *
     * @param state nVHeads blocks of s x s floats, {@code state[h][j*s + i] = M[i][j]}; updated in place
     * @param qkv   nTokens rows of (2 nKHeads + nVHeads) * s floats: q heads, k heads, v heads
     * @param alpha nTokens x nVHeads raw decay inputs; beta likewise (before the sigmoid)
     * @param out   nTokens x nVHeads * s
     */
    void gatedDeltaNet(FloatBuffer state, FloatBuffer qkv, FloatBuffer alpha, FloatBuffer beta, FloatBuffer dtBias,
                       FloatBuffer ssmA, FloatBuffer out, int nTokens, int nKHeads, int nVHeads, int s, float eps);

    /** out = x * sigmoid(gate) over n elements (the gated attention's output gate; out may alias x). */
    void sigmoidMul(FloatBuffer x, FloatBuffer gate, FloatBuffer out, int n);

    /**
     * In place, each of {@code nRows} rows of {@code n} floats (n a power of two) times the orthonormal
     * Walsh-Hadamard matrix, as ggml-cpu's fwht computes it: scaled by 1/sqrt(n), then butterflies of width
     * 1, 2, 4... (exact sums, so every path gives the same bits). llama.cpp rotates Q/K and V with it for a
     * quantised KV cache. Additions only, O(n log n) per row: one Java implementation serves every kernel set.
     */
    default void hadamard(FloatBuffer x, int n, int nRows) {
        RefElementwise.hadamard(x, n, nRows);
    }

    /** Releases native resources (the worker pool); the reference implementation holds none. */
    @Override
    default void close() {
    }
}
