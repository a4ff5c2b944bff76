package io.k3mcp.engine.tokenizer;

/**
 * A text fragment being pre-tokenized: its code points, their {@link CodepointFlags}, and (built on
 * first use) llama.cpp's "collapsed" form for regex splitting, one char per code point: ASCII kept,
 * other whitespace as U+000B, other code points as a placeholder per category
 * (U+00D1 number, U+00D2 letter, U+00D3 punctuation, U+00D4 mark, U+00D5 symbol, U+00D0 anything else).
 */
final class PreText {
    static final char NUMBER = '\u00D1';
    static final char LETTER = '\u00D2';
    static final char PUNCTUATION = '\u00D3';
    static final char MARK = '\u00D4';
    static final char SYMBOL = '\u00D5';
    static final char OTHER = '\u00D0';

    final int[] cps;
    final int[] flags;
    private String collapsed;

    PreText(String text) {
        this.cps = text.codePoints().toArray();
        this.flags = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            flags[i] = CodepointFlags.of(cps[i]);
        }
    }

    String collapsed() {
        if (collapsed == null) {
            char[] c = new char[cps.length];
            for (int i = 0; i < cps.length; i++) {
                c[i] = collapse(cps[i], flags[i]);
            }
            collapsed = new String(c);
        }
        return collapsed;
    }

    private static char collapse(int cp, int f) {
        if (cp < 128) {
            return (char) cp;
        }
        if (CodepointFlags.is(f, CodepointFlags.WHITESPACE)) {
            return '\u000B';
        }
        if (CodepointFlags.is(f, CodepointFlags.NUMBER)) {
            return NUMBER;
        }
        if (CodepointFlags.is(f, CodepointFlags.LETTER)) {
            return LETTER;
        }
        if (CodepointFlags.is(f, CodepointFlags.PUNCTUATION)) {
            return PUNCTUATION;
        }
        if (CodepointFlags.is(f, CodepointFlags.MARK)) {
            return MARK;
        }
        if (CodepointFlags.is(f, CodepointFlags.SYMBOL)) {
            return SYMBOL;
        }
        return OTHER;
    }
}
