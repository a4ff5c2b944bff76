package io.k3mcp.engine.gguf;

import io.k3mcp.kernels.GgmlType;

/**
 * A tensor's description, validated against the file. {@code ne} is ggml order (fastest-varying
 * first): a matrix of {@code rows x cols} has {@code ne = [cols, rows]}. {@code offset} is relative to
 * the data section; {@code fileOffset} is absolute.
 */
public record GgufTensor(String name, GgmlType type, long[] ne, long offset, long fileOffset, long byteSize) {

    public long elementCount() {
        long n = 1;
        for (long d : ne) {
            n *= d;
        }
        return n;
    }

    /** ne[0]: elements per row. */
    public long cols() {
        return ne[0];
    }

    /** Product of ne[1..]: number of rows. */
    public long rows() {
        return ne.length == 0 ? 1 : elementCount() / ne[0];
    }

    public String shape() {
        return java.util.Arrays.toString(ne);
    }
}
