package io.k3mcp.engine.synthetic;

import io.k3mcp.engine.gguf.GgufValueType;
import io.k3mcp.engine.gguf.GgufWriter;
import io.k3mcp.kernels.GgmlType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a Qwen3.5 / Qwen3.6 hybrid shape adds to {@link SyntheticShape} (the published config.json's text_config),
 * and the tensors and keys a converted qwen35 / qwen35moe GGUF has (../shared/docs/ARCHITECTURES.md section 3.9):
 * gated delta-net layers with a full gated-attention layer every {@code interval}-th, attn_q carrying q and its
 * output gate, IMROPE on {@code ropeDims} dims. The shape's nHead / nHeadKv / headDim are the attention layers',
 * its experts the routed ones; {@code sharedFfn} is the shared expert's width (0: a dense FFN of nFf).
 *
 * @param interval   full_attention_interval (layer_types: every interval-th layer is full attention)
 * @param stateSize  linear_key_head_dim = linear_value_head_dim (S: each V head's state is S x S)
 * @param kHeads     linear_num_key_heads (H_k)
 * @param vHeads     linear_num_value_heads (H_v)
 * @param convKernel linear_conv_kernel_dim
 * @param ropeDims   head_dim x partial_rotary_factor
 * @param sharedFfn  shared_expert_intermediate_size, 0 for the dense models
 */
public record Qwen35Layout(int interval, int stateSize, int kHeads, int vHeads, int convKernel, int ropeDims, int sharedFfn) {
    /** rope_parameters.mrope_section of the published configs, plus the fourth (unused) section llama.cpp reads. */
    private static final long[] SECTIONS = {11, 11, 10, 0};
    /** ssm_a = -exp(A_log): any negative value decays; -0.5 keeps the synthetic state bounded. */
    private static final float SSM_A = -0.5f;

    public Qwen35Layout {
        if (interval < 1 || stateSize < 1 || kHeads < 1 || vHeads < 1 || convKernel < 1 || ropeDims < 1 || sharedFfn < 0) {
            throw new IllegalArgumentException("qwen35 layout: interval, state size, heads, conv kernel and rope dims must be "
                    + "positive, shared FFN width non-negative: interval " + interval + ", S " + stateSize + ", heads " + kHeads + "/"
                    + vHeads + ", conv " + convKernel + ", rope dims " + ropeDims + ", shared FFN " + sharedFfn);
        }
        if (vHeads % kHeads != 0) {
            // llama.cpp maps V head h to K head h mod H_k, and its loader requires whole groups
            throw new IllegalArgumentException("qwen35 layout: V heads " + vHeads + " not a multiple of K heads " + kHeads);
        }
    }

    boolean recurrent(int il) {
        return (il + 1) % interval != 0;
    }

    int keyDim() {
        return kHeads * stateSize;
    }

    int valueDim() {
        return vHeads * stateSize;
    }

    int convDim() {
        return 2 * keyDim() + valueDim();
    }

    /** The tensors in the converter's order. */
    List<TensorSpec> tensors(SyntheticShape s, SyntheticType type) {
        List<TensorSpec> t = new ArrayList<>();
        int e = s.nEmbd();
        t.add(matrix(s, type, "token_embd.weight", e, s.nVocab(), -1));
        for (int il = 0; il < s.nLayer(); il++) {
            String p = "blk." + il + ".";
            t.add(vector(p + "attn_norm.weight", e, il));
            if (recurrent(il)) {
                t.add(matrix(s, type, p + "attn_qkv.weight", e, convDim(), il));
                t.add(matrix(s, type, p + "attn_gate.weight", e, valueDim(), il));
                // llama-quantize leaves ssm_conv1d F32 (llama-quant.cpp: quantize &= no "ssm_conv1d")
                t.add(new TensorSpec(p + "ssm_conv1d.weight", new long[] {convKernel, convDim()}, GgmlType.F32, il, false));
                t.add(vector(p + "ssm_dt.bias", vHeads, il));
                float[] a = new float[vHeads];
                Arrays.fill(a, SSM_A);
                t.add(new TensorSpec(p + "ssm_a", new long[] {vHeads}, GgmlType.F32, il, false, a));
                t.add(matrix(s, type, p + "ssm_beta.weight", e, vHeads, il));
                t.add(matrix(s, type, p + "ssm_alpha.weight", e, vHeads, il));
                t.add(vector(p + "ssm_norm.weight", stateSize, il));
                t.add(matrix(s, type, p + "ssm_out.weight", valueDim(), e, il));
            } else {
                t.add(matrix(s, type, p + "attn_q.weight", e, 2 * s.qWidth(), il));
                t.add(matrix(s, type, p + "attn_k.weight", e, s.kvWidth(), il));
                t.add(matrix(s, type, p + "attn_v.weight", e, s.kvWidth(), il));
                t.add(matrix(s, type, p + "attn_output.weight", s.qWidth(), e, il));
                t.add(vector(p + "attn_q_norm.weight", s.headDim(), il));
                t.add(vector(p + "attn_k_norm.weight", s.headDim(), il));
            }
            t.add(vector(p + "post_attention_norm.weight", e, il));
            SyntheticPlan.feedForward(t, s, type, p, il);
            if (s.experts() != null) {
                t.add(new TensorSpec(p + "ffn_gate_inp_shexp.weight", new long[] {e}, GgmlType.F32, il, false));
                t.add(matrix(s, type, p + "ffn_gate_shexp.weight", e, sharedFfn, il));
                t.add(matrix(s, type, p + "ffn_up_shexp.weight", e, sharedFfn, il));
                t.add(matrix(s, type, p + "ffn_down_shexp.weight", sharedFfn, e, il));
            }
        }
        t.add(vector("output_norm.weight", e, -1));
        if (!s.tiedOutput()) {
            t.add(matrix(s, type, "output.weight", e, s.nVocab(), -1));
        }
        return t;
    }

    /** The qwen35.* / qwen35moe.* keys beyond those every uniform shape writes. */
    void metadata(SyntheticShape s, GgufWriter w) {
        String a = s.arch() + ".";
        if (s.experts() != null) {
            w.putU32(a + "expert_shared_feed_forward_length", sharedFfn);
        }
        w.putU32(a + "attention.key_length", s.headDim());
        w.putU32(a + "attention.value_length", s.headDim());
        w.putU32(a + "rope.dimension_count", ropeDims);
        w.putArray(a + "rope.dimension_sections", GgufValueType.INT32, SECTIONS);
        w.putU32(a + "ssm.conv_kernel", convKernel);
        w.putU32(a + "ssm.state_size", stateSize);
        w.putU32(a + "ssm.group_count", kHeads);
        w.putU32(a + "ssm.time_step_rank", vHeads);
        w.putU32(a + "ssm.inner_size", valueDim());
        boolean[] recurrent = new boolean[s.nLayer()];
        for (int il = 0; il < recurrent.length; il++) {
            recurrent[il] = recurrent(il);
        }
        w.putArray(a + "attention.recurrent_layers", GgufValueType.BOOL, recurrent);
    }

    private static TensorSpec matrix(SyntheticShape s, SyntheticType type, String name, int cols, int rows, int layer) {
        return new TensorSpec(name, new long[] {cols, rows}, QuantRules.typeFor(type, s, name, cols, 2, layer), layer, false);
    }

    private static TensorSpec vector(String name, int n, int layer) {
        return new TensorSpec(name, new long[] {n}, GgmlType.F32, layer, true);
    }
}
