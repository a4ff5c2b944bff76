package io.k3mcp.engine.embed;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.engine.tokenizer.WordPieceTokenizer;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The {@code bert} encoder forward pass (llama.cpp's layout): token + position + token-type embeddings and a
 * LayerNorm, then per layer bidirectional multi-head attention with biases, residual + LayerNorm (post-norm),
 * GELU feed-forward, residual + LayerNorm. Every text is one sequence, segment 0.
 */
final class BertEncoder implements TokenEncoder {
    private final BertConfig config;
    private final BertWeights weights;
    private final WordPieceTokenizer tokenizer;
    private final Kernels kernels;

    BertEncoder(GgufFile file, Kernels kernels) {
        String name = file.path().getFileName().toString();
        String arch = file.metadata().string("general.architecture");
        this.config = BertConfig.from(file.metadata(), arch, name);
        this.tokenizer = WordPieceTokenizer.fromGguf(file.metadata(), name);
        this.weights = BertWeights.load(file, kernels, config, tokenizer.vocabSize());
        this.kernels = kernels;
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public int dim() {
        return config.dim();
    }

    @Override
    public int contextLength() {
        return config.contextLength();
    }

    @Override
    public Pooling defaultPooling() {
        return config.pooling();
    }

    @Override
    public float[] hiddenStates(int[] ids) {
        int n = ids.length;
        int d = config.dim();
        if (n == 0 || n > config.contextLength()) {
            throw new IllegalArgumentException("a bert sequence needs 1.." + config.contextLength() + " tokens, got " + n);
        }
        FloatBuffer x = embed(ids);
        // q, k and v live in byte buffers because attention reads keys and values as raw rows.
        ByteBuffer kBytes = Buffers.bytes((long) n * d * Float.BYTES);
        ByteBuffer vBytes = Buffers.bytes((long) n * d * Float.BYTES);
        FloatBuffer q = Buffers.floats(n * d);
        FloatBuffer k = kBytes.asFloatBuffer();
        FloatBuffer v = vBytes.asFloatBuffer();
        FloatBuffer attn = Buffers.floats(n * d);
        FloatBuffer proj = Buffers.floats(n * d);
        FloatBuffer up = Buffers.floats(n * config.ffn());
        float scale = (float) (1.0 / Math.sqrt(config.headDim()));
        for (BertWeights.Layer l : weights.layers()) {
            // self-attention over all tokens of the sequence (non-causal)
            l.wq().apply(kernels, x, q, n);
            l.wk().apply(kernels, x, k, n);
            l.wv().apply(kernels, x, v, n);
            kernels.attention(q, kBytes, vBytes, GgmlType.F32, attn, n, 0, n, config.heads(), config.heads(),
                    config.headDim(), scale, false, 0);
            l.wo().apply(kernels, attn, proj, n);
            // post-norm residual: x = LN(x + attn_out)
            kernels.add(x, proj, x, n * d);
            layerNorm(x, l.attnNorm(), n);
            // feed-forward: x = LN(x + down(gelu(up x)))
            l.ffnUp().apply(kernels, x, up, n);
            kernels.gelu(up, n * config.ffn());
            l.ffnDown().apply(kernels, up, proj, n);
            kernels.add(x, proj, x, n * d);
            layerNorm(x, l.outNorm(), n);
        }
        float[] out = new float[n * d];
        x.get(0, out);
        return out;
    }

    /** x[t] = LN(tok[id_t] + pos[t] + type[0]). */
    private FloatBuffer embed(int[] ids) {
        int n = ids.length;
        int d = config.dim();
        FloatBuffer x = Buffers.floats(n * d);
        FloatBuffer row = Buffers.floats(d);
        FloatBuffer segment = Buffers.floats(d);
        weights.tokenTypes().row(kernels, 0, segment);
        for (int t = 0; t < n; t++) {
            if (ids[t] < 0 || ids[t] >= tokenizer.vocabSize()) {
                throw new IllegalArgumentException("token id " + ids[t] + " at position " + t
                        + " is outside the vocabulary [0, " + tokenizer.vocabSize() + ")");
            }
            FloatBuffer xt = Buffers.slice(x, t * d, d);
            weights.tokenEmbd().row(kernels, ids[t], xt);
            weights.positionEmbd().row(kernels, t, row);
            kernels.add(xt, row, xt, d);
            kernels.add(xt, segment, xt, d);
        }
        layerNorm(x, weights.embdNorm(), n);
        return x;
    }

    private void layerNorm(FloatBuffer x, BertWeights.Norm norm, int n) {
        kernels.layerNorm(x, norm.weight(), norm.bias(), x, config.dim(), n, config.eps());
    }
}
