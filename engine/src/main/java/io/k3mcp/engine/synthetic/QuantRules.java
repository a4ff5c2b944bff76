package io.k3mcp.engine.synthetic;

import io.k3mcp.kernels.GgmlType;

/**
 * The per-tensor type choices llama.cpp's quantizer makes without an importance matrix
 * (llama-quant.cpp, llama_tensor_get_type), for the file types k3mcp writes:
 * <ul>
 *   <li>1-D tensors (norms) stay F32; F16 files keep every matrix F16.</li>
 *   <li>output.weight, or token_embd.weight when the output is tied: Q6_K unless the file type is
 *       Q8_0 (then Q8_0); Q8_0 when the row length is not a multiple of 256.</li>
 *   <li>attn_v.weight (and the hybrids' attn_qkv.weight): Q2_K files use Q4_K when n_head / n_head_kv >= 4, else Q3_K;
 *       Q3_K_M uses Q5_K on the first two layers, Q4_K after; Q4_K_M and Q5_K_M use Q6_K on layers where
 *       {@link #useMoreBits} holds; IQ4_NL/IQ4_XS use Q5_K when n_head / n_head_kv >= 4.</li>
 *   <li>ffn_down.weight and the experts' ffn_down_exps / ffn_down_shexp (llama.cpp matches "ffn_down"): Q2_K files
 *       use Q3_K; Q3_K_M uses Q5_K on the first sixteenth of the layers, Q4_K after; Q4_K_M and Q5_K_M use Q6_K
 *       where {@link #useMoreBits} holds; IQ4_NL/IQ4_XS use Q5_K on the first eighth of the layers.</li>
 *   <li>attn_output.weight: Q2_K files use Q3_K, Q3_K_M files Q4_K.</li>
 *   <li>Everything else: the file type's default (token_embd with an untied output included).</li>
 * </ul>
 * A type whose block does not divide the row length falls back to IQ4_NL for IQ4_XS (as llama.cpp
 * does) and to Q8_0 otherwise (llama.cpp has a finer table; no built-in shape needs it).
 */
public final class QuantRules {
    private QuantRules() {
    }

    /** llama.cpp's use_more_bits: the first and last eighth of the layers, and every third in between. */
    public static boolean useMoreBits(int layer, int nLayers) {
        return layer < nLayers / 8 || layer >= 7 * nLayers / 8 || (layer - nLayers / 8) % 3 == 2;
    }

    /**
     * The type of one tensor.
     *
     * @param name     GGUF tensor name, e.g. "blk.3.attn_v.weight"
     * @param rowLength ne[0]
     * @param dims     number of dimensions (1 for norms)
     * @param layer    block index for blk.* tensors, else -1
     */
    public static GgmlType typeFor(SyntheticType ftype, SyntheticShape shape, String name, long rowLength, int dims, int layer) {
        if (dims < 2) {
            return GgmlType.F32;
        }
        if (name.endsWith("ffn_gate_inp.weight")) {
            return GgmlType.F32; // routers stay F32 (the converter writes them so, llama-quantize keeps them)
        }
        if (ftype == SyntheticType.F16 || name.equals("per_layer_model_proj.weight")) {
            return GgmlType.F16; // llama-quantize keeps gemma4's per-layer projection F16
        }
        GgmlType t = ftype.defaultType;
        boolean isOutput = name.equals("output.weight") || (shape.tiedOutput() && name.equals("token_embd.weight"));
        int gqa = shape.nHead() / shape.nHeadKv();
        if (isOutput) {
            if (rowLength % GgmlType.QK_K != 0) {
                t = GgmlType.Q8_0;
            } else if (t != GgmlType.Q8_0) {
                t = GgmlType.Q6_K;
            }
        } else if (name.endsWith("attn_v.weight") || name.endsWith("attn_qkv.weight")) {
            // llama.cpp counts attn_qkv (the hybrids' delta-net layers) as attn_v-like: one per layer either way
            if (ftype == SyntheticType.Q2_K) {
                t = gqa >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
            } else if (ftype == SyntheticType.Q3_K_M) {
                t = layer < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
            } else if (isIq4(ftype) && gqa >= 4) {
                t = GgmlType.Q5_K;
            } else if ((ftype == SyntheticType.Q4_K_M || ftype == SyntheticType.Q5_K_M) && useMoreBits(layer, shape.nLayer())) {
                t = GgmlType.Q6_K;
            }
        } else if (name.endsWith("ffn_down.weight") || name.endsWith("ffn_down_exps.weight") || name.endsWith("ffn_down_shexp.weight")) {
            // with experts llama.cpp takes the layer from the name but the count of ffn_down tensors as the layer count
            int downs = shape.nLayer() * (shape.qwen35() != null && shape.experts() != null ? 2 : 1);
            if (ftype == SyntheticType.Q2_K) {
                t = GgmlType.Q3_K;
            } else if (ftype == SyntheticType.Q3_K_M) {
                t = layer < downs / 16 ? GgmlType.Q5_K : GgmlType.Q4_K;
            } else if (ftype == SyntheticType.Q4_K_M && useMoreBits(layer, downs)) {
                t = GgmlType.Q6_K;
            } else if (isIq4(ftype) && layer < shape.nLayer() / 8) {
                t = GgmlType.Q5_K; // llama.cpp's rule without an importance matrix
            } else if (ftype == SyntheticType.Q5_K_M && useMoreBits(layer, downs)) {
                t = GgmlType.Q6_K;
            }
        } else if (name.endsWith("attn_output.weight") && ftype == SyntheticType.Q2_K) {
            t = GgmlType.Q3_K;
        } else if (name.endsWith("attn_output.weight") && ftype == SyntheticType.Q3_K_M) {
            t = GgmlType.Q4_K;
        }
        if (rowLength % t.blockSize != 0) {
            t = t == GgmlType.IQ4_XS && rowLength % GgmlType.IQ4_NL.blockSize == 0 ? GgmlType.IQ4_NL : GgmlType.Q8_0;
        }
        return t;
    }

    private static boolean isIq4(SyntheticType ftype) {
        return ftype == SyntheticType.IQ4_NL || ftype == SyntheticType.IQ4_XS;
    }
}
