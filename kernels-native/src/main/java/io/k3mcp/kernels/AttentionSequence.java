package io.k3mcp.kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * One sequence of a batched attention call ({@link Kernels#attention(java.util.List, GgmlType, int, int, int, float,
 * boolean, int)}): its {@code nTokens} query rows and output rows, its own cache rows ({@code nKeys} of them, row j
 * holding position j) and the position of its first query.
 */
public record AttentionSequence(FloatBuffer q, ByteBuffer k, ByteBuffer v, FloatBuffer out, int nTokens, int pos0,
                                int nKeys) {
}
