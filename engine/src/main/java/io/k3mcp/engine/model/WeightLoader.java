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
        boolean anyRopeFreqs = c.layers().stream().anyMatch(LayerShape::ropeFreqs);
        int e = c.nEmbd();
        Matrix embd = matrix("token_embd.weight", c.nVocab(), e);
        file.prefault(require("token_embd.weight")); // read a row per token: resident now, not one disk read per new token
        List<LayerWeights> layers = new ArrayList<>(c.nLayer());
        for (int i = 0; i < c.nLayer(); i++) {
            layers.add(layer(i));
        }
        FloatBuffer outNorm = vector("output_norm.weight", e);
        boolean tied = file.tensor("output.weight") == null;
        Matrix output = tied ? embd : matrix("output.weight", c.nVocab(), e);
        // one factor per rotated pair, shared by every layer whose shape uses them (llama.cpp's get_rope_factors:
        // every layer of Llama 3.1+, where the tensor is optional; gemma4's full layers, where it is required)
        FloatBuffer ropeFreqs = !anyRopeFreqs ? null : c.arch() == Architecture.GEMMA4
                ? vector("rope_freqs.weight", c.ropeDims() / 2) : optionalVector("rope_freqs.weight", c.ropeDims() / 2);
        if (c.perLayerInput() != 0) {
            file.prefault(require("per_layer_token_embd.weight"));
        }
        PerLayerEmbedding.Weights perLayer = c.perLayerInput() == 0 ? null : new PerLayerEmbedding.Weights(
                matrix("per_layer_token_embd.weight", c.nVocab(), c.perLayerInput() * c.nLayer()),
                matrix("per_layer_model_proj.weight", c.perLayerInput() * c.nLayer(), e),
                vector("per_layer_proj_norm.weight", c.perLayerInput()));
        return new ModelWeights(embd, List.copyOf(layers), outNorm, output, tied, ropeFreqs, perLayer);
    }

    private LayerWeights layer(int il) {
        String p = "blk." + il + ".";
        if (c.arch().hybrid()) {
            return hybridLayer(p, c.deltaNet().isRecurrent(il));
        }
        LayerShape s = c.layer(il);
        int e = c.nEmbd();
        int q = s.qDim();
        int kv = s.kvDim();
        int d = s.headDim();
        int f = s.nFf();
        boolean ownsKv = s.kvLayer() == il;
        // gemma4 decides per layer (a layer with ffn_gate_inp) and keeps its dense MLP beside the experts
        boolean gemma4 = c.arch() == Architecture.GEMMA4;
        boolean moe = c.experts() != null && (!gemma4 || file.tensor(p + "ffn_gate_inp.weight") != null);
        boolean denseToo = !moe || gemma4;
        Matrix[] qkv = file.tensor(p + "attn_qkv.weight") != null
                ? fusedQkv(p + "attn_qkv.weight", q, kv, e)
                : new Matrix[] {matrix(p + "attn_q.weight", q, e),
                        ownsKv ? matrix(p + "attn_k.weight", kv, e) : null,
                        ownsKv ? optionalMatrix(p + "attn_v.weight", kv, e, c.arch() == Architecture.GEMMA4) : null};
        return new LayerWeights(
                vector(p + "attn_norm.weight", e),
                qkv[0],
                qkv[1],
                qkv[2],
                matrix(p + "attn_output.weight", e, q),
                optionalVector(p + "attn_q.bias", q),
                optionalVector(p + "attn_k.bias", kv),
                optionalVector(p + "attn_v.bias", kv),
                optionalVector(p + "attn_q_norm.weight", d),
                ownsKv ? optionalVector(p + "attn_k_norm.weight", d) : null,
                optionalVector(p + "post_attention_norm.weight", e),
                vector(p + "ffn_norm.weight", e),
                denseToo ? matrix(p + "ffn_gate.weight", f, e) : null,
                denseToo ? matrix(p + "ffn_up.weight", f, e) : null,
                denseToo ? matrix(p + "ffn_down.weight", e, f) : null,
                optionalVector(p + "post_ffw_norm.weight", e),
                moe ? moe(p) : null,
                c.perLayerInput() == 0 ? null : new LayerWeights.PerLayerInput(
                        matrix(p + "inp_gate.weight", c.perLayerInput(), e),
                        matrix(p + "proj.weight", e, c.perLayerInput()),
                        vector(p + "post_norm.weight", e)),
                file.tensor(p + "layer_output_scale.weight") == null ? 1f : vector(p + "layer_output_scale.weight", 1).get(0),
                null);
    }

    /** attn_qkv (rows Q, then K, then V) as three row-slices of the one tensor: no copy, same products. */
    private Matrix[] fusedQkv(String name, int q, int kv, int e) {
        Matrix all = matrix(name, q + 2 * kv, e);
        long row = all.rowBytes();
        return new Matrix[] {
            new Matrix(name + "[q]", all.type(), Buffers.slice(all.data(), 0, q * row), q, e),
            new Matrix(name + "[k]", all.type(), Buffers.slice(all.data(), q * row, kv * row), kv, e),
            new Matrix(name + "[v]", all.type(), Buffers.slice(all.data(), (q + kv) * row, kv * row), kv, e)};
    }

    private Matrix optionalMatrix(String name, int rows, int cols, boolean optional) {
        return optional && file.tensor(name) == null ? null : matrix(name, rows, cols);
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
                null,
                1f,
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
        if (c.arch() == Architecture.GEMMA4) {
            return gemma4Experts(p, x, e);
        }
        return new MoeWeights(
                matrix(p + "ffn_gate_inp.weight", x.nExpert(), e),
                experts(p + "ffn_gate_exps.weight", x.nFfExp(), e),
                experts(p + "ffn_up_exps.weight", x.nFfExp(), e),
                experts(p + "ffn_down_exps.weight", e, x.nFfExp()),
                null,
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

    /** ffn_gate_up_exps (or separate gate/up) plus the router scale, per-expert output scale and three norms. */
    private MoeWeights gemma4Experts(String p, ExpertConfig x, int e) {
        boolean fused = file.tensor(p + "ffn_gate_up_exps.weight") != null;
        for (String separate : new String[] {"ffn_gate_exps.scale", "ffn_up_exps.scale"}) {
            if (file.tensor(p + separate) != null) {
                throw new UnsupportedModelException(where(p + separate) + " (per-expert gate/up scales) is not supported yet");
            }
        }
        return new MoeWeights(
                matrix(p + "ffn_gate_inp.weight", x.nExpert(), e),
                fused ? experts(p + "ffn_gate_up_exps.weight", 2 * x.nFfExp(), e) : experts(p + "ffn_gate_exps.weight", x.nFfExp(), e),
                fused ? null : experts(p + "ffn_up_exps.weight", x.nFfExp(), e),
                experts(p + "ffn_down_exps.weight", e, x.nFfExp()),
                new MoeWeights.Gemma4(vector(p + "ffn_gate_inp.scale", e), optionalVector(p + "ffn_down_exps.scale", x.nExpert()),
                        vector(p + "pre_ffw_norm_2.weight", e), vector(p + "post_ffw_norm_2.weight", e),
                        vector(p + "post_ffw_norm_1.weight", e)),
                null);
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
