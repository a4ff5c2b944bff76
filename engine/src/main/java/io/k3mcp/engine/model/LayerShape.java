package io.k3mcp.engine.model;

/**
 * What one layer's attention and feed-forward look like. Uniform across the layers of most
 * architectures; Gemma 4 gives sliding and full layers their own head counts, head sizes, RoPE and FFN
 * widths, and lets its last layers read an earlier layer's keys and values.
 *
 * @param ropeDims   dims of each head that rotate (NeoX or normal pairs as the architecture says)
 * @param freqScale  1 / linear RoPE scaling (sliding layers are never scaled)
 * @param ropeFreqs  whether the file's {@code rope_freqs.weight} factors apply (Gemma 4 full layers)
 * @param kvLayer    the layer whose keys and values this one attends over: itself, or (Gemma 4's shared-KV
 *                   layers) an earlier layer of the same kind, in which case it computes no K/V of its own
 */
public record LayerShape(int nHead, int nKvHead, int headDim, int nFf, int ropeDims, float ropeBase,
                         float freqScale, boolean ropeFreqs, boolean sliding, int kvLayer) {

    /** Elements of one query row (all heads). */
    public int qDim() {
        return nHead * headDim;
    }

    /** Elements of one key or value row (all KV heads). */
    public int kvDim() {
        return nKvHead * headDim;
    }
}
