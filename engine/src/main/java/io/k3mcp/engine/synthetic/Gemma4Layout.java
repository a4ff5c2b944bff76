package io.k3mcp.engine.synthetic;

import io.k3mcp.engine.gguf.GgufValueType;
import io.k3mcp.engine.gguf.GgufWriter;
import io.k3mcp.kernels.GgmlType;

import java.util.ArrayList;
import java.util.List;

/**
 * What a Gemma 4 shape adds to {@link SyntheticShape} (the published config.json's text_config), and the
 * tensors and keys a converted gemma4 GGUF has for it (../shared/docs/ARCHITECTURES.md section 2). The
 * shape's headDim / nHeadKv / nFf are the sliding layers'; rope_freqs is written as ones (every pair turns:
 * the same cost as the real factors, which leave three quarters of the full layers' pairs still).
 *
 * @param headDimFull   head size of the full-attention layers (global_head_dim)
 * @param nHeadKvFull   KV heads of the full layers (num_global_key_value_heads, else num_key_value_heads)
 * @param window        sliding_window
 * @param period        every period-th layer is full attention (layer_types), the rest slide
 * @param sharedKv      num_kv_shared_layers: the last ones read layer nKv-2 (sliding) or nKv-1 (full)
 * @param perLayerInput hidden_size_per_layer_input (0: none)
 * @param doubleWide    use_double_wide_mlp: the shared layers' FFN twice as wide
 * @param kEqV          attention_k_eq_v: full layers have no attn_v
 * @param nExpert       num_experts (0: dense)
 * @param nExpertUsed   top_k_experts
 * @param nFfExpert     moe_intermediate_size
 */
public record Gemma4Layout(int headDimFull, int nHeadKvFull, int window, int period, int sharedKv, int perLayerInput,
                           boolean doubleWide, boolean kEqV, int nExpert, int nExpertUsed, int nFfExpert) {

    /**
     * The layout of the shape's first {@code layers} layers: KV layers and shared-KV layers in the whole
     * shape's proportion, the KV layers a whole number of periods (llama.cpp's shared layers read the last
     * sliding and the last full KV layer, so the KV layers must end on a full one); per-layer inputs follow
     * the layer count.
     */
    Gemma4Layout cut(String shape, int nLayer, int layers) {
        if (layers < period) {
            throw new IllegalArgumentException("layers " + layers + ": a cut of " + shape + " needs at least " + period
                    + " layers (its pattern has one full-attention layer in every " + period + "; " + period + ".." + nLayer + ")");
        }
        int kv = layers;
        if (sharedKv > 0) {
            long periods = Math.round((double) layers * (nLayer - sharedKv) / nLayer / period);
            kv = (int) Math.min(layers, Math.max(1, periods) * period);
        }
        return new Gemma4Layout(headDimFull, nHeadKvFull, window, period, layers - kv, perLayerInput, doubleWide, kEqV,
                nExpert, nExpertUsed, nFfExpert);
    }

    boolean sliding(int il) {
        return (il + 1) % period != 0;
    }

    int nFf(SyntheticShape s, int il) {
        return doubleWide && il >= s.nLayer() - sharedKv ? 2 * s.nFf() : s.nFf();
    }

    int kvHeads(SyntheticShape s, int il) {
        return sliding(il) ? s.nHeadKv() : nHeadKvFull;
    }

    int headDim(SyntheticShape s, int il) {
        return sliding(il) ? s.headDim() : headDimFull;
    }

    /** The tensors in the converter's order. */
    List<TensorSpec> tensors(SyntheticShape s, SyntheticType type) {
        List<TensorSpec> t = new ArrayList<>();
        int e = s.nEmbd();
        int lp = perLayerInput * s.nLayer();
        t.add(matrix(s, type, "token_embd.weight", e, s.nVocab(), -1));
        if (perLayerInput > 0) {
            t.add(matrix(s, type, "per_layer_token_embd.weight", lp, s.nVocab(), -1));
            t.add(matrix(s, type, "per_layer_model_proj.weight", e, lp, -1));
            t.add(vector("per_layer_proj_norm.weight", perLayerInput, -1));
        }
        t.add(vector("rope_freqs.weight", headDimFull / 2, -1));
        int nKv = s.nLayer() - sharedKv;
        for (int il = 0; il < s.nLayer(); il++) {
            String p = "blk." + il + ".";
            int d = headDim(s, il);
            int q = s.nHead() * d;
            int kv = kvHeads(s, il) * d;
            t.add(vector(p + "attn_norm.weight", e, il));
            t.add(matrix(s, type, p + "attn_q.weight", e, q, il));
            if (il < nKv) {
                t.add(matrix(s, type, p + "attn_k.weight", e, kv, il));
                if (sliding(il) || !kEqV) {
                    t.add(matrix(s, type, p + "attn_v.weight", e, kv, il));
                }
            }
            t.add(vector(p + "attn_q_norm.weight", d, il));
            if (il < nKv) {
                t.add(vector(p + "attn_k_norm.weight", d, il));
            }
            t.add(matrix(s, type, p + "attn_output.weight", q, e, il));
            t.add(vector(p + "post_attention_norm.weight", e, il));
            t.add(vector(p + "ffn_norm.weight", e, il));
            int f = nFf(s, il);
            t.add(matrix(s, type, p + "ffn_gate.weight", e, f, il));
            t.add(matrix(s, type, p + "ffn_up.weight", e, f, il));
            t.add(matrix(s, type, p + "ffn_down.weight", f, e, il));
            if (nExpert > 0) {
                t.add(vector(p + "post_ffw_norm_1.weight", e, il));
                t.add(vector(p + "pre_ffw_norm_2.weight", e, il));
                t.add(new TensorSpec(p + "ffn_gate_inp.weight", new long[] {e, nExpert}, GgmlType.F32, il, false));
                t.add(vector(p + "ffn_gate_inp.scale", e, il));
                t.add(experts(s, type, p + "ffn_gate_up_exps.weight", e, 2L * nFfExpert, il));
                t.add(experts(s, type, p + "ffn_down_exps.weight", nFfExpert, e, il));
                t.add(vector(p + "ffn_down_exps.scale", nExpert, il));
                t.add(vector(p + "post_ffw_norm_2.weight", e, il));
            }
            t.add(vector(p + "post_ffw_norm.weight", e, il));
            if (perLayerInput > 0) {
                t.add(matrix(s, type, p + "inp_gate.weight", e, perLayerInput, il));
                t.add(matrix(s, type, p + "proj.weight", perLayerInput, e, il));
                t.add(vector(p + "post_norm.weight", e, il));
            }
            t.add(vector(p + "layer_output_scale.weight", 1, il));
        }
        t.add(vector("output_norm.weight", e, -1));
        return t;
    }

    /** The gemma4.* keys (arrays where the layers differ). */
    void metadata(SyntheticShape s, GgufWriter w) {
        String a = "gemma4.";
        int n = s.nLayer();
        w.putU32(a + "context_length", s.contextLength());
        w.putU32(a + "embedding_length", s.nEmbd());
        w.putU32(a + "block_count", n);
        long[] ff = new long[n];
        long[] kvHeads = new long[n];
        boolean[] swa = new boolean[n];
        for (int il = 0; il < n; il++) {
            ff[il] = nFf(s, il);
            kvHeads[il] = kvHeads(s, il);
            swa[il] = sliding(il);
        }
        w.putArray(a + "feed_forward_length", GgufValueType.UINT32, ff);
        w.putU32(a + "attention.head_count", s.nHead());
        w.putArray(a + "attention.head_count_kv", GgufValueType.UINT32, kvHeads);
        w.putF32(a + "rope.freq_base", s.ropeTheta());
        w.putF32(a + "rope.freq_base_swa", 10000f);
        w.putF32(a + "attention.layer_norm_rms_epsilon", s.rmsEps());
        w.putU32(a + "attention.key_length", headDimFull);
        w.putU32(a + "attention.value_length", headDimFull);
        w.putU32(a + "attention.key_length_swa", s.headDim());
        w.putU32(a + "attention.value_length_swa", s.headDim());
        w.putU32(a + "rope.dimension_count", headDimFull);
        w.putU32(a + "rope.dimension_count_swa", s.headDim());
        w.putU32(a + "attention.sliding_window", window);
        w.putArray(a + "attention.sliding_window_pattern", GgufValueType.BOOL, swa);
        w.putU32(a + "attention.shared_kv_layers", sharedKv);
        w.putU32(a + "embedding_length_per_layer_input", perLayerInput);
        w.putF32(a + "final_logit_softcapping", 30f);
        if (nExpert > 0) {
            w.putU32(a + "expert_count", nExpert);
            w.putU32(a + "expert_used_count", nExpertUsed);
            w.putU32(a + "expert_feed_forward_length", nFfExpert);
        }
    }

    private static TensorSpec matrix(SyntheticShape s, SyntheticType type, String name, int cols, int rows, int layer) {
        return new TensorSpec(name, new long[] {cols, rows}, QuantRules.typeFor(type, s, name, cols, 2, layer), layer, false);
    }

    private TensorSpec experts(SyntheticShape s, SyntheticType type, String name, long cols, long rows, int layer) {
        return new TensorSpec(name, new long[] {cols, rows, nExpert}, QuantRules.typeFor(type, s, name, cols, 3, layer), layer, false);
    }

    private static TensorSpec vector(String name, int n, int layer) {
        return new TensorSpec(name, new long[] {n}, GgmlType.F32, layer, true);
    }
}
