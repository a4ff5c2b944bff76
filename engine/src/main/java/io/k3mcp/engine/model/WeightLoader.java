package io.k3mcp.engine.model;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufTensor;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds every tensor by its llama.cpp name and checks its shape against the config. Matrices stay
 * views of the mapping; 1-D F32 tensors are viewed as floats in place (other types, rare for norms,
 * are dequantised into a small direct buffer).
 */
final class WeightLoader {
    private final GgufFile file;
    private final ModelConfig c;
    private final Kernels kernels;

    private WeightLoader(GgufFile file, ModelConfig c, Kernels kernels) {
        this.file = file;
        this.c = c;
        this.kernels = kernels;
    }

    static ModelWeights load(GgufFile file, ModelConfig c, Kernels kernels) {
        return new WeightLoader(file, c, kernels).load();
    }

    private ModelWeights load() {
        int e = c.nEmbd();
        Matrix embd = matrix("token_embd.weight", c.nVocab(), e);
        List<LayerWeights> layers = new ArrayList<>(c.nLayer());
        for (int i = 0; i < c.nLayer(); i++) {
            layers.add(layer(i));
        }
        FloatBuffer outNorm = vector("output_norm.weight", e);
        boolean tied = file.tensor("output.weight") == null;
        Matrix output = tied ? embd : matrix("output.weight", c.nVocab(), e);
        // Llama 3.1+: one factor per rotated pair, shared by every layer (llama.cpp's get_rope_factors)
        FloatBuffer ropeFreqs = optionalVector("rope_freqs.weight", c.ropeDims() / 2);
        return new ModelWeights(embd, List.copyOf(layers), outNorm, output, tied, ropeFreqs);
    }

    private LayerWeights layer(int il) {
        String p = "blk." + il + ".";
        if (c.arch().hybrid()) {
            return hybridLayer(p, c.deltaNet().isRecurrent(il));
        }
        int e = c.nEmbd();
        int q = c.qDim();
        int kv = c.kvDim();
        int d = c.headDim();
        int f = c.nFf();
        boolean moe = c.experts() != null;
        return new LayerWeights(
                vector(p + "attn_norm.weight", e),
                matrix(p + "attn_q.weight", q, e),
                matrix(p + "attn_k.weight", kv, e),
                matrix(p + "attn_v.weight", kv, e),
                matrix(p + "attn_output.weight", e, q),
                optionalVector(p + "attn_q.bias", q),
                optionalVector(p + "attn_k.bias", kv),
                optionalVector(p + "attn_v.bias", kv),
                optionalVector(p + "attn_q_norm.weight", d),
                optionalVector(p + "attn_k_norm.weight", d),
                optionalVector(p + "post_attention_norm.weight", e),
                vector(p + "ffn_norm.weight", e),
                moe ? null : matrix(p + "ffn_gate.weight", f, e),
                moe ? null : matrix(p + "ffn_up.weight", f, e),
                moe ? null : matrix(p + "ffn_down.weight", e, f),
                optionalVector(p + "post_ffw_norm.weight", e),
                moe ? moe(p) : null,
                null);
    }

    /**
     * A qwen35 layer: a delta-net or gated-attention mixer (attn_q holds q and the output gate, per head),
     * and post_attention_norm as the FFN's input norm (the only norm between the two sub-blocks).
     */
    private LayerWeights hybridLayer(String p, boolean recurrent) {
        int e = c.nEmbd();
        int q = c.qDim();
        int kv = c.kvDim();
        int d = c.headDim();
        int f = c.nFf();
        boolean moe = c.experts() != null;
        boolean att = !recurrent;
        return new LayerWeights(
                vector(p + "attn_norm.weight", e),
                att ? matrix(p + "attn_q.weight", 2 * q, e) : null,
                att ? matrix(p + "attn_k.weight", kv, e) : null,
                att ? matrix(p + "attn_v.weight", kv, e) : null,
                att ? matrix(p + "attn_output.weight", e, q) : null,
                null, null, null,
                att ? vector(p + "attn_q_norm.weight", d) : null,
                att ? vector(p + "attn_k_norm.weight", d) : null,
                null,
                vector(p + "post_attention_norm.weight", e),
                moe ? null : matrix(p + "ffn_gate.weight", f, e),
                moe ? null : matrix(p + "ffn_up.weight", f, e),
                moe ? null : matrix(p + "ffn_down.weight", e, f),
                null,
                moe ? moe(p) : null,
                recurrent ? deltaNet(p) : null);
    }

    private DeltaNetWeights deltaNet(String p) {
        DeltaNetConfig dn = c.deltaNet();
        int e = c.nEmbd();
        int h = dn.nVHeads();
        String convName = p + "ssm_conv1d.weight";
        GgufTensor conv = require(convName);
        if (conv.type() != GgmlType.F32) {
            throw new UnsupportedModelException(where(convName) + " has type " + conv.type() + "; the convolution weights must be F32");
        }
        return new DeltaNetWeights(
                matrix(p + "attn_qkv.weight", dn.convDim(), e),
                matrix(p + "attn_gate.weight", dn.valueDim(), e),
                floats(conv, new long[] {dn.dConv(), dn.convDim()}),
                vector(p + "ssm_dt.bias", h),
                vector(p + "ssm_a", h),
                matrix(p + "ssm_beta.weight", h, e),
                matrix(p + "ssm_alpha.weight", h, e),
                vector(p + "ssm_norm.weight", dn.stateSize()),
                matrix(p + "ssm_out.weight", e, dn.valueDim()));
    }

    private FloatBuffer floats(GgufTensor t, long[] shape) {
        checkShape(t, shape);
        return file.data(t).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }


    private MoeWeights moe(String p) {
        ExpertConfig x = c.experts();
        int e = c.nEmbd();
        return new MoeWeights(
                matrix(p + "ffn_gate_inp.weight", x.nExpert(), e),
                experts(p + "ffn_gate_exps.weight", x.nFfExp(), e),
                experts(p + "ffn_up_exps.weight", x.nFfExp(), e),
                experts(p + "ffn_down_exps.weight", e, x.nFfExp()),
                c.arch().hybrid() ? sharedExpert(p) : null);
    }

    /** qwen35moe's shared expert, c.nFf() wide, and its gate vector read as a one-row matrix. */
    private SharedExpertWeights sharedExpert(String p) {
        int e = c.nEmbd();
        int f = c.nFf();
        String gateName = p + "ffn_gate_inp_shexp.weight";
        GgufTensor g = require(gateName);
        checkShape(g, new long[] {e});
        checkWeightType(g);
        return new SharedExpertWeights(new Matrix(gateName, g.type(), file.data(g), 1, e),
                matrix(p + "ffn_gate_shexp.weight", f, e),
                matrix(p + "ffn_up_shexp.weight", f, e),
                matrix(p + "ffn_down_shexp.weight", e, f));
    }

    private ExpertMatrix experts(String name, int rows, int cols) {
        GgufTensor t = require(name);
        checkShape(t, new long[] {cols, rows, c.experts().nExpert()});
        checkWeightType(t);
        return new ExpertMatrix(name, t.type(), file.data(t), c.experts().nExpert(), rows, cols);
    }

    private Matrix matrix(String name, int rows, int cols) {
        GgufTensor t = require(name);
        checkShape(t, new long[] {cols, rows});
        checkWeightType(t);
        return new Matrix(name, t.type(), file.data(t), rows, cols);
    }

    private void checkWeightType(GgufTensor t) {
        if (t.type() == GgmlType.Q8_1) {
            throw new UnsupportedModelException(where(t.name()) + " has type Q8_1, which is an activation type, not a weight type");
        }
    }

    private FloatBuffer optionalVector(String name, int n) {
        return file.tensor(name) == null ? null : vector(name, n);
    }

    private FloatBuffer vector(String name, int n) {
        GgufTensor t = require(name);
        checkShape(t, new long[] {n});
        if (t.type() == GgmlType.F32) {
            return file.data(t).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }
        FloatBuffer out = Buffers.floats(n);
        kernels.dequantize(t.type(), file.data(t), out, n);
        return out;
    }

    private GgufTensor require(String name) {
        GgufTensor t = file.tensor(name);
        if (t == null) {
            throw new UnsupportedModelException(file.path().getFileName() + ": required tensor '" + name
                    + "' is missing (architecture " + c.arch().ggufName + ")");
        }
        return t;
    }

    private void checkShape(GgufTensor t, long[] expected) {
        if (!Arrays.equals(t.ne(), expected)) {
            throw new UnsupportedModelException(where(t.name()) + " has shape " + t.shape() + ", expected "
                    + Arrays.toString(expected) + " (ggml ne order) from the model's hyperparameters");
        }
    }

    private String where(String name) {
        return file.path().getFileName() + ": tensor '" + name + "'";
    }
}
