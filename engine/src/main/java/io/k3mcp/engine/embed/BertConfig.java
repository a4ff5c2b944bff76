package io.k3mcp.engine.embed;

import io.k3mcp.engine.gguf.GgufException;
import io.k3mcp.engine.gguf.GgufMetadata;

/**
 * Hyper-parameters of a {@code bert} encoder, read once from GGUF metadata under the {@code bert.} prefix.
 *
 * @param contextLength number of learned position embeddings: the longest sequence the model takes
 * @param tokenTypes    rows of the token-type table (segment A/B)
 * @param pooling       the model's own pooling ({@code bert.pooling_type}), MEAN when absent
 */
record BertConfig(String arch, int dim, int layers, int heads, int ffn, int contextLength, int tokenTypes,
                  float eps, Pooling pooling) {

    BertConfig {
        if (dim % heads != 0) {
            throw new IllegalArgumentException(arch + ".embedding_length " + dim + " is not a multiple of "
                    + arch + ".attention.head_count " + heads);
        }
    }

    int headDim() {
        return dim / heads;
    }

    static BertConfig from(GgufMetadata md, String arch, String file) {
        String p = arch + ".";
        int dim = md.intIn(p + "embedding_length", 1, 1 << 16);
        int heads = md.intIn(p + "attention.head_count", 1, dim);
        if (dim % heads != 0) {
            throw new GgufException(file + ": " + p + "embedding_length " + dim + " is not a multiple of "
                    + p + "attention.head_count " + heads);
        }
        long poolingId = md.optLong(p + "pooling_type").orElse(Pooling.MEAN.ggufId);
        Pooling pooling = Pooling.fromGguf(poolingId);
        if (pooling == null) {
            throw new GgufException(file + ": " + p + "pooling_type " + poolingId
                    + " is not supported (0 none, 1 mean, 2 cls, 3 last)");
        }
        if (md.getBool(p + "attention.causal", false)) {
            throw new GgufException(file + ": " + p + "attention.causal is true; a bert encoder attends both ways");
        }
        return new BertConfig(arch, dim,
                md.intIn(p + "block_count", 1, 1024),
                heads,
                md.intIn(p + "feed_forward_length", 1, 1 << 20),
                md.intIn(p + "context_length", 1, 1 << 20),
                md.intIn("tokenizer.ggml.token_type_count", 1, 1 << 10, 2),
                md.getFloat(p + "attention.layer_norm_epsilon", 1e-12f),
                pooling);
    }
}
