package io.k3mcp.engine.model;

import io.k3mcp.kernels.Kernels;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * All weights of a model, views into the mapped file (never copied).
 *
 * @param tokenEmbedding (nVocab, E): row t is token t's embedding
 * @param output         (nVocab, E): the LM head; the same matrix as tokenEmbedding when tied
 * @param ropeFreqs      (ropeDims / 2) RoPE frequency factors ({@code rope_freqs.weight}, Llama 3.1+), or null
 */
public record ModelWeights(Matrix tokenEmbedding, List<LayerWeights> layers, FloatBuffer outputNorm,
                           Matrix output, boolean tiedOutput, FloatBuffer ropeFreqs) {

    /**
     * These weights with every product matrix (layers and LM head) carrying a copy in {@code kernels}'
     * packed layout where they have one; the embedding stays as it is (lookups read its rows).
     */
    ModelWeights packedFor(Kernels kernels) {
        UnaryOperator<Matrix> pack = m -> m.packedFor(kernels);
        UnaryOperator<ExpertMatrix> packExperts = m -> m.packedFor(kernels);
        return new ModelWeights(tokenEmbedding, layers.stream().map(l -> l.withMatrices(pack, packExperts)).toList(), outputNorm,
                pack.apply(output), tiedOutput, ropeFreqs);
    }
}
