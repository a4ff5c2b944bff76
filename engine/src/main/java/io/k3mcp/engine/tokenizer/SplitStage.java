package io.k3mcp.engine.tokenizer;

/**
 * One pre-tokenizer pass: splits the piece {@code [start, start + length)} of the text (code point
 * indices) into consecutive pieces and appends their lengths, which must sum to {@code length}.
 */
interface SplitStage {
    void split(PreText text, int start, int length, IntList lengths);
}
