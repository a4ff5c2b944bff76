package io.k3mcp.engine.model;

import io.k3mcp.kernels.ExpertRoutes;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.PackedWeights;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The weights of one projection of every expert of a layer: a GGUF 3-D tensor {@code ne = [cols, rows,
 * nExpert]}, expert e's {@code rows x cols} slab at {@code e * rows * rowBytes} of the mapped file.
 * {@code packed}, when not null, is the kernels' packed copy of all slabs (each a whole number of packed
 * row groups), made once at load.
 */
public record ExpertMatrix(String name, GgmlType type, ByteBuffer data, int nExpert, int rows, int cols,
                           PackedWeights packed) {

    public ExpertMatrix(String name, GgmlType type, ByteBuffer data, int nExpert, int rows, int cols) {
        this(name, type, data, nExpert, rows, cols, null);
    }

    /** Bytes of one expert's slab. */
    public long slabBytes() {
        return type.bytesFor(cols) * rows;
    }

    /** This tensor with a packed copy where {@code kernels} have a layout for its type and each slab is whole row groups. */
    ExpertMatrix packedFor(Kernels kernels) {
        if (rows % 8 != 0) {
            return this;
        }
        PackedWeights p = kernels.pack(type, data, nExpert * rows, cols);
        return p == null ? this : new ExpertMatrix(name, type, data, nExpert, rows, cols, p);
    }

    /**
     * y (pairs x rows) = each pair's expert times its activation row: x holds one row per token
     * ({@code xPerSlot} false: the token's slots share it) or one per pair.
     */
    void multiply(Kernels kernels, FloatBuffer x, boolean xPerSlot, ExpertRoutes routes, FloatBuffer y) {
        if (packed != null && kernels.reads(packed)) {
            kernels.matmulExpertsPacked(packed, nExpert, x, xPerSlot, routes, y);
        } else {
            kernels.matmulExperts(type, data, nExpert, rows, cols, x, xPerSlot, routes, y);
        }
    }
}
