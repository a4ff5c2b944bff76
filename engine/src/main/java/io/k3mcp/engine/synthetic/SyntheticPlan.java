package io.k3mcp.engine.synthetic;

import io.k3mcp.kernels.GgmlType;

import java.util.ArrayList;
import java.util.List;

/** The tensor list of a shape at a file type, in llama.cpp's converter order, with the quantizer's type per tensor. */
public record SyntheticPlan(SyntheticShape shape, SyntheticType type, List<TensorSpec> tensors) {

    /** Bumped whenever the bytes a plan produces change, so cached files are rebuilt. */
    public static final int FORMAT_VERSION = 2;

    public static SyntheticPlan of(SyntheticShape shape, SyntheticType type) {
        if (shape.gemma4() != null) {
            return new SyntheticPlan(shape, type, List.copyOf(shape.gemma4().tensors(shape, type)));
        }
        if (shape.qwen35() != null) {
            return new SyntheticPlan(shape, type, List.copyOf(shape.qwen35().tensors(shape, type)));
        }
        List<TensorSpec> t = new ArrayList<>();
        int e = shape.nEmbd();
        if (shape.ropeScaling() != null) {
            // the converter's first tensor, as in Llama 3.x files
            int pairs = shape.headDim() / 2;
            t.add(new TensorSpec("rope_freqs.weight", new long[] {pairs}, GgmlType.F32, -1, false,
                    shape.ropeScaling().factors(shape.ropeTheta(), shape.headDim())));
        }
        t.add(matrix(shape, type, "token_embd.weight", e, shape.nVocab(), -1));
        for (int i = 0; i < shape.nLayer(); i++) {
            String p = "blk." + i + ".";
            t.add(norm(p + "attn_norm.weight", e, i));
            t.add(matrix(shape, type, p + "attn_q.weight", e, shape.qWidth(), i));
            t.add(matrix(shape, type, p + "attn_k.weight", e, shape.kvWidth(), i));
            t.add(matrix(shape, type, p + "attn_v.weight", e, shape.kvWidth(), i));
            t.add(matrix(shape, type, p + "attn_output.weight", shape.qWidth(), e, i));
            if (shape.qkNorm()) {
                t.add(norm(p + "attn_q_norm.weight", shape.headDim(), i));
                t.add(norm(p + "attn_k_norm.weight", shape.headDim(), i));
            }
            t.add(norm(p + "ffn_norm.weight", e, i));
            feedForward(t, shape, type, p, i);
        }
        t.add(norm("output_norm.weight", e, -1));
        if (!shape.tiedOutput()) {
            t.add(matrix(shape, type, "output.weight", e, shape.nVocab(), -1));
        }
        return new SyntheticPlan(shape, type, List.copyOf(t));
    }

    /** Layer {@code i}'s FFN: gate/up/down, or the router and the three expert tensors (separate gate and up). */
    static void feedForward(List<TensorSpec> t, SyntheticShape shape, SyntheticType type, String p, int i) {
        int e = shape.nEmbd();
        SyntheticShape.Experts x = shape.experts();
        if (x == null) {
            t.add(matrix(shape, type, p + "ffn_gate.weight", e, shape.nFf(), i));
            t.add(matrix(shape, type, p + "ffn_up.weight", e, shape.nFf(), i));
            t.add(matrix(shape, type, p + "ffn_down.weight", shape.nFf(), e, i));
        } else {
            // llama-quantize keeps the router F32; the experts follow the dense rules per name
            t.add(new TensorSpec(p + "ffn_gate_inp.weight", new long[] {e, x.count()}, GgmlType.F32, i, false));
            t.add(experts(shape, type, p + "ffn_gate_exps.weight", e, x.ffn(), x.count(), i));
            t.add(experts(shape, type, p + "ffn_up_exps.weight", e, x.ffn(), x.count(), i));
            t.add(experts(shape, type, p + "ffn_down_exps.weight", x.ffn(), e, x.count(), i));
        }
    }

    /** Bytes of all tensors (unpadded). */
    public long weightBytes() {
        return tensors.stream().mapToLong(TensorSpec::byteSize).sum();
    }

    /** The identity recorded in the file's metadata ("k3mcp.synthetic") and checked before reuse. */
    public String identity() {
        return shape.name() + ":" + type.name().toLowerCase(java.util.Locale.ROOT) + ":v" + FORMAT_VERSION
                + ":" + shape.arch() + "/" + shape.nEmbd() + "/" + shape.nLayer() + "/" + shape.nHead() + "/" + shape.nHeadKv()
                + "/" + shape.headDim() + "/" + shape.nFf() + "/" + shape.nVocab() + "/" + shape.tiedOutput() + "/" + shape.qkNorm()
                + "/" + shape.tokenizer() + (shape.experts() == null ? "" : "/" + shape.experts())
                + (shape.ropeScaling() == null ? "" : "/" + shape.ropeScaling())
                + (shape.gemma4() == null ? "" : "/" + shape.gemma4())
                + (shape.qwen35() == null ? "" : "/" + shape.qwen35());
    }

    private static TensorSpec matrix(SyntheticShape s, SyntheticType type, String name, int cols, int rows, int layer) {
        return new TensorSpec(name, new long[] {cols, rows}, QuantRules.typeFor(type, s, name, cols, 2, layer), layer, false);
    }

    private static TensorSpec experts(SyntheticShape s, SyntheticType type, String name, int cols, int rows, int n, int layer) {
        return new TensorSpec(name, new long[] {cols, rows, n}, QuantRules.typeFor(type, s, name, cols, 3, layer), layer, false);
    }

    private static TensorSpec norm(String name, int n, int layer) {
        return new TensorSpec(name, new long[] {n}, io.k3mcp.kernels.GgmlType.F32, layer, true);
    }
}
