package io.k3mcp.engine.embed;

import io.k3mcp.engine.gguf.GgufException;
import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.Transformer;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.engine.tokenizer.Tokenizers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;

import java.io.IOException;

/**
 * Decoder models used as embedding models (Qwen3-Embedding: {@code qwen3} with {@code pooling_type} 3 = last):
 * the engine's own {@link Transformer}, causal as in generation, whose final-norm hidden states are pooled.
 * A decoder without {@code <arch>.pooling_type} is a generation model and is refused.
 */
final class DecoderEncoders {
    private DecoderEncoders() {
    }

    static TokenEncoder open(GgufFile file, Kernels kernels, String arch) throws IOException {
        String key = arch + ".pooling_type";
        if (!file.metadata().has(key)) {
            throw EmbeddingModel.unsupported(file, arch);
        }
        long id = file.metadata().getLong(key);
        Pooling pooling = Pooling.fromGguf(id);
        if (pooling == null) {
            throw new GgufException(file.path().getFileName() + ": " + key + " " + id
                    + " is not supported (0 none, 1 mean, 2 cls, 3 last)");
        }
        return new DecoderEncoder(Model.load(file.path(), kernels), kernels, Tokenizers.fromGguf(file.metadata()), pooling);
    }

    /** One text = one sequence in a fresh F16 KV cache (llama.cpp's default cache type). */
    private static final class DecoderEncoder implements TokenEncoder {
        private final Model model;
        private final Transformer transformer;
        private final Tokenizer tokenizer;
        private final Pooling pooling;

        DecoderEncoder(Model model, Kernels kernels, Tokenizer tokenizer, Pooling pooling) {
            this.model = model;
            this.transformer = new Transformer(model, kernels);
            this.tokenizer = tokenizer;
            this.pooling = pooling;
        }

        @Override
        public Tokenizer tokenizer() {
            return tokenizer;
        }

        @Override
        public int dim() {
            return model.config().nEmbd();
        }

        @Override
        public int contextLength() {
            return model.config().contextLength();
        }

        @Override
        public Pooling defaultPooling() {
            return pooling;
        }

        @Override
        public synchronized float[] hiddenStates(int[] ids) {
            KvCache cache = new KvCache(model.config(), ids.length, GgmlType.F16);
            return transformer.hiddenStates(cache, ids);
        }

        @Override
        public void close() throws IOException {
            model.close();
        }
    }
}
