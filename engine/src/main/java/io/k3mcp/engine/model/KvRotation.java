package io.k3mcp.engine.model;

import io.k3mcp.kernels.GgmlType;

/**
 * llama.cpp's rotation for a quantised KV cache (llama-kv-cache.cpp attn_rot_k/attn_rot_v, v0.5.0): when
 * the cache type is quantised and every layer's head size is the same multiple of 64, Q and K are multiplied
 * by an orthonormal Walsh-Hadamard matrix of size {@code k} (the largest power of two >= 64 dividing the head
 * size) before K is written, V by one of size {@code v} = 64, and the attention output by the V matrix again
 * (it is its own inverse). Dot products are unchanged; the quantised rows lose less to outliers.
 *
 * @param k rotation size for Q and K, 0 for none
 * @param v rotation size for V and the output, 0 for none
 */
record KvRotation(int k, int v) {
    static final KvRotation NONE = new KvRotation(0, 0);

    static KvRotation of(ModelConfig config, GgmlType type) {
        if (!type.isQuantized()) {
            return NONE;
        }
        int head = config.layer(0).headDim();
        for (int il = 1; il < config.nLayer(); il++) {
            if (config.layer(il).headDim() != head) {
                return NONE; // llama.cpp: n_embd_head_k_all = -1, no rotation
            }
        }
        if (head % 64 != 0) {
            return NONE;
        }
        int k = 64;
        while (head % (2 * k) == 0) {
            k *= 2;
        }
        return new KvRotation(k, 64);
    }
}
