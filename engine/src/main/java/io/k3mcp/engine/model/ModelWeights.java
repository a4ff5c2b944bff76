package io.k3mcp.engine.model;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * All weights of a model, views into the mapped file (never copied).
 *
 * @param tokenEmbedding (nVocab, E): row t is token t's embedding
 * @param output         (nVocab, E): the LM head; the same matrix as tokenEmbedding when tied
 */
public record ModelWeights(Matrix tokenEmbedding, List<LayerWeights> layers, FloatBuffer outputNorm,
                           Matrix output, boolean tiedOutput) {
}
