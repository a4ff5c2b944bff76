package io.k3mcp.engine.embed;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.kernels.Kernels;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights of a {@code bert} encoder, by llama.cpp's tensor names (GGUF-NOTES section 3). Matrices stay
 * memory-mapped; 1-D norms and biases are dequantised to f32.
 *
 * @param tokenEmbd    (vocab, dim) token embeddings
 * @param positionEmbd (contextLength, dim) learned position embeddings
 * @param tokenTypes   (tokenTypes, dim) segment embeddings; every text is segment 0
 */
record BertWeights(Matrix tokenEmbd, Matrix positionEmbd, Matrix tokenTypes, Norm embdNorm, List<Layer> layers) {

    /** LayerNorm weight and bias, each (dim). */
    record Norm(FloatBuffer weight, FloatBuffer bias) {
        static Norm load(GgufFile file, Kernels kernels, String prefix, int dim) {
            FloatBuffer bias = file.tensor(prefix + ".bias") == null ? null : Matrix.vector(file, kernels, prefix + ".bias", dim);
            return new Norm(Matrix.vector(file, kernels, prefix + ".weight", dim), bias);
        }
    }

    /**
     * One post-norm encoder layer.
     *
     * @param wq     (dim, dim) + bias
     * @param wo     (dim, dim) attention output + bias
     * @param ffnUp  (ffn, dim) + bias
     * @param ffnDown (dim, ffn) + bias
     */
    record Layer(Matrix wq, Matrix wk, Matrix wv, Matrix wo, Norm attnNorm, Matrix ffnUp, Matrix ffnDown, Norm outNorm) {
    }

    static BertWeights load(GgufFile file, Kernels kernels, BertConfig c, int vocab) {
        int d = c.dim();
        List<Layer> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) {
            String b = "blk." + i + ".";
            layers.add(new Layer(
                    Matrix.load(file, kernels, b + "attn_q", d, d),
                    Matrix.load(file, kernels, b + "attn_k", d, d),
                    Matrix.load(file, kernels, b + "attn_v", d, d),
                    Matrix.load(file, kernels, b + "attn_output", d, d),
                    Norm.load(file, kernels, b + "attn_output_norm", d),
                    Matrix.load(file, kernels, b + "ffn_up", d, c.ffn()),
                    Matrix.load(file, kernels, b + "ffn_down", c.ffn(), d),
                    Norm.load(file, kernels, b + "layer_output_norm", d)));
        }
        // read a row per token: resident now, not one disk read per token the cache lost (as WeightLoader does)
        file.prefault(file.require("token_embd.weight"));
        return new BertWeights(
                Matrix.load(file, kernels, "token_embd", d, vocab),
                Matrix.load(file, kernels, "position_embd", d, c.contextLength()),
                Matrix.load(file, kernels, "token_types", d, c.tokenTypes()),
                Norm.load(file, kernels, "token_embd_norm", d),
                List.copyOf(layers));
    }
}
