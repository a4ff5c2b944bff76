package io.k3mcp.kernels;

import java.nio.ByteBuffer;

/**
 * A weight matrix rearranged into a layout of one kernel implementation's own (see k3k_packed.h for
 * the native one), made once at model load by {@link Kernels#pack} and multiplied with
 * {@link Kernels#matmulPacked}. The file's bytes stay where they are; this is a copy.
 *
 * @param layout names the layout, so only an implementation that reads it is handed it
 * @param type   the weight type the matrix had in the file
 * @param data   the packed bytes (direct, owned by this record)
 * @param file   the same matrix in the file's layout (where its kernel is faster for few tokens)
 */
public record PackedWeights(String layout, GgmlType type, ByteBuffer data, ByteBuffer file, int rows, int cols) {
}
