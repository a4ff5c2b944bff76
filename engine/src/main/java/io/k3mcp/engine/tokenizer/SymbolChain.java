package io.k3mcp.engine.tokenizer;

/**
 * The linked list of symbols that llama.cpp's SentencePiece and BPE merge loops work on: a text starts as
 * one symbol per code point, and merging a pair makes the left symbol span both. Symbols are indexed by
 * position; a merged-away symbol has length 0.
 */
final class SymbolChain {
    final String text;
    private final int[] start;
    private final int[] len;
    private final int[] prev;
    private final int[] next;

    SymbolChain(String text) {
        this.text = text;
        int n = text.codePointCount(0, text.length());
        start = new int[n];
        len = new int[n];
        prev = new int[n];
        next = new int[n];
        int off = 0;
        for (int i = 0; i < n; i++) {
            int cl = Character.charCount(text.codePointAt(off));
            start[i] = off;
            len[i] = cl;
            prev[i] = i - 1;
            off += cl;
            next[i] = off == text.length() ? -1 : i + 1;
        }
    }

    int size() {
        return start.length;
    }

    /** The first symbol, or -1 for an empty text. */
    int first() {
        return start.length == 0 ? -1 : 0;
    }

    int next(int symbol) {
        return next[symbol];
    }

    int prev(int symbol) {
        return prev[symbol];
    }

    /** The symbol's text. */
    String piece(int symbol) {
        return text.substring(start[symbol], start[symbol] + len[symbol]);
    }

    /** The text two adjacent symbols spell together. */
    String joined(int left, int right) {
        return text.substring(start[left], start[left] + len[left] + len[right]);
    }

    /** Chars the pair spans; a queued pair whose span has changed since is stale. */
    int span(int left, int right) {
        return len[left] + len[right];
    }

    /**
     * Merges {@code right} into {@code left} unless the pair is stale (either side merged away, or a
     * different span than when it was queued: a symbol's start never moves, so equal spans mean the same
     * text). Returns whether it merged.
     */
    boolean merge(int left, int right, int span) {
        if (len[left] == 0 || len[right] == 0 || len[left] + len[right] != span) {
            return false;
        }
        len[left] += len[right];
        len[right] = 0;
        next[left] = next[right];
        if (next[right] >= 0) {
            prev[next[right]] = left;
        }
        return true;
    }
}
