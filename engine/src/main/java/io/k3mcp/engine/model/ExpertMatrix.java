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
        PackedWeights p = readable(kernels, packed);
        if (p != null) {
            kernels.matmulExpertsPacked(p, nExpert, x, xPerSlot, routes, y);
        } else {
            kernels.matmulExperts(type, data, nExpert, rows, cols, x, xPerSlot, routes, y);
        }
    }

    /**
     * A SwiGLU's gate and up on one x row per token: one pass of the kernels (one quantisation of x, one pool
     * round) where both have the same type and shape, else the two products.
     */
    static void multiplyPair(Kernels kernels, ExpertMatrix gate, ExpertMatrix up, FloatBuffer x, ExpertRoutes routes,
                             FloatBuffer yGate, FloatBuffer yUp) {
        if (gate.type != up.type || gate.nExpert != up.nExpert || gate.rows != up.rows || gate.cols != up.cols) {
            gate.multiply(kernels, x, false, routes, yGate);
            up.multiply(kernels, x, false, routes, yUp);
            return;
        }
        kernels.matmulExpertsPair(gate.type, gate.nExpert, gate.rows, gate.cols, gate.data, readable(kernels, gate.packed),
            up.data, readable(kernels, up.packed), x, routes, yGate, yUp);
    }

    /** The packed copy where these kernels read it, else null (the file layout). */
    private static PackedWeights readable(Kernels kernels, PackedWeights p) {
        return p != null && kernels.reads(p) ? p : null;
    }
}
