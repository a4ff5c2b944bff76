package io.k3mcp.engine.synthetic;

import io.k3mcp.kernels.GgmlType;

/**
 * One tensor of a synthetic model: its GGUF name, ggml dims (fastest first), type, and what fills it.
 *
 * @param layer block index, or -1 outside the blocks
 * @param ones  a norm weight (all 1.0) rather than random N(0, 0.02)
 * @param values fixed contents (F32, one row), such as rope_freqs.weight, or null
 */
public record TensorSpec(String name, long[] ne, GgmlType type, int layer, boolean ones, float[] values) {

    public TensorSpec(String name, long[] ne, GgmlType type, int layer, boolean ones) {
        this(name, ne, type, layer, ones, null);
    }

    public long rowLength() {
        return ne[0];
    }

    public long rows() {
        long r = 1;
        for (int i = 1; i < ne.length; i++) {
            r *= ne[i];
        }
        return r;
    }

    public long byteSize() {
        return type.bytesFor(rowLength() * rows());
    }
}
