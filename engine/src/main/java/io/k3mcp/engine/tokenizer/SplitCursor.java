package io.k3mcp.engine.tokenizer;

/**
 * Walks one piece of a {@link PreText} for the hand-written split rules: code points and flags outside
 * the piece read as -1 and 0, and {@link #emit} closes the current piece at a position.
 */
final class SplitCursor {
    static final int OUT_OF_RANGE = -1;

    private final PreText text;
    private final int start;
    private final int end;
    private final IntList lengths;
    private int pieceStart;

    SplitCursor(PreText text, int start, int length, IntList lengths) {
        this.text = text;
        this.start = start;
        this.end = start + length;
        this.lengths = lengths;
        this.pieceStart = start;
    }

    int end() {
        return end;
    }

    int cp(int pos) {
        return pos >= start && pos < end ? text.cps[pos] : OUT_OF_RANGE;
    }

    int flags(int pos) {
        return pos >= start && pos < end ? text.flags[pos] : 0;
    }

    boolean has(int pos, int flag) {
        return CodepointFlags.is(flags(pos), flag);
    }

    /** Closes the piece that ends at {@code pos}; returns its length (empty pieces are dropped). */
    int emit(int pos) {
        int len = pos - pieceStart;
        if (len > 0) {
            lengths.add(len);
        }
        pieceStart = pos;
        return len;
    }

    /** The number of whitespace code points from {@code pos} on. */
    int whitespaceRun(int pos) {
        int n = 0;
        while (has(pos + n, CodepointFlags.WHITESPACE)) {
            n++;
        }
        return n;
    }

    static boolean isNewline(int cp) {
        return cp == '\r' || cp == '\n';
    }
}
