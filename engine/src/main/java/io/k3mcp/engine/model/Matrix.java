package io.k3mcp.engine.model;

import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.PackedWeights;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * A weight matrix of {@code rows x cols} (GGUF {@code ne = [cols, rows]}), its bytes a slice of the
 * memory-mapped file: row r is {@code cols} consecutive elements of {@code type}. {@code packed}, when
 * not null, is a copy in the loading kernels' own layout, made once at load so every product reads it.
 */
public record Matrix(String name, GgmlType type, ByteBuffer data, int rows, int cols, PackedWeights packed) {

    public Matrix(String name, GgmlType type, ByteBuffer data, int rows, int cols) {
        this(name, type, data, rows, cols, null);
    }

    /** Bytes of one row. */
    public int rowBytes() {
        return (int) type.bytesFor(cols);
    }

    /** This matrix with a copy in {@code kernels}' packed layout, when they have one for its type and shape. */
    Matrix packedFor(Kernels kernels) {
        PackedWeights p = kernels.pack(type, data, rows, cols);
        return p == null ? this : new Matrix(name, type, data, rows, cols, p);
    }

    /** y = this x for {@code nTokens} tokens: the packed copy when these kernels read it, else the file's bytes. */
    public void multiply(Kernels kernels, FloatBuffer x, FloatBuffer y, int nTokens) {
        if (packed != null && kernels.reads(packed)) {
            kernels.matmulPacked(packed, x, y, nTokens);
        } else {
            kernels.matmul(type, data, rows, cols, x, y, nTokens);
        }
    }
}
