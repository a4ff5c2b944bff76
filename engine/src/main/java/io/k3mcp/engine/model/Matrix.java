package io.k3mcp.engine.model;

import io.k3mcp.kernels.GgmlType;

import java.nio.ByteBuffer;

/**
 * A weight matrix of {@code rows x cols} (GGUF {@code ne = [cols, rows]}), its bytes a slice of the
 * memory-mapped file: row r is {@code cols} consecutive elements of {@code type}.
 */
public record Matrix(String name, GgmlType type, ByteBuffer data, int rows, int cols) {

    /** Bytes of one row. */
    public int rowBytes() {
        return (int) type.bytesFor(cols);
    }
}
