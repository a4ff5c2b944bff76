package io.k3mcp.engine.model;

/**
 * Where one sequence sits in a batch's token matrix: rows {@code [offset, offset + n)} hold its tokens at
 * positions {@code pos0...} of {@code cache}. Matmuls see all rows at once; attention, the cache writes and
 * the recurrent layers run per segment over that sequence's own memory.
 */
record Segment(KvCache cache, int pos0, int offset, int n) {
}
