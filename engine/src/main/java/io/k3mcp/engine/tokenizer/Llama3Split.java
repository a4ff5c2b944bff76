package io.k3mcp.engine.tokenizer;

import static io.k3mcp.engine.tokenizer.CodepointFlags.LETTER;
import static io.k3mcp.engine.tokenizer.CodepointFlags.NUMBER;
import static io.k3mcp.engine.tokenizer.CodepointFlags.WHITESPACE;

/**
 * Llama-3's pre-tokenizer regex
 * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}
 * as llama.cpp runs it: by hand over code point flags (unicode_regex_split_custom_llama3).
 */
final class Llama3Split implements SplitStage {
    static final Llama3Split INSTANCE = new Llama3Split();

    private Llama3Split() {
    }

    @Override
    public void split(PreText text, int start, int length, IntList lengths) {
        SplitCursor c = new SplitCursor(text, start, length, lengths);
        int end = c.end();
        int pos = start;
        while (pos < end) {
            int cpt = c.cp(pos);
            int flags = c.flags(pos);
            if (cpt == '\'' && pos + 1 < end) {
                int next = lower(c.cp(pos + 1));
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    pos += c.emit(pos + 2);
                    continue;
                }
                if (pos + 2 < end) {
                    int next2 = lower(c.cp(pos + 2));
                    if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                        pos += c.emit(pos + 3);
                        continue;
                    }
                }
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if (!(SplitCursor.isNewline(cpt) || CodepointFlags.is(flags, NUMBER))
                    && (CodepointFlags.is(flags, LETTER) || c.has(pos + 1, LETTER))) {
                pos++;
                while (c.has(pos, LETTER)) {
                    pos++;
                }
                c.emit(pos);
                continue;
            }
            // \p{N}{1,3}
            if (CodepointFlags.is(flags, NUMBER)) {
                int groupStart = pos;
                while (c.has(pos, NUMBER)) {
                    if (++pos - groupStart >= 3) {
                        c.emit(pos);
                        groupStart = pos;
                    }
                }
                c.emit(pos);
                continue;
            }
            // ' ?[^\s\p{L}\p{N}]+[\r\n]*' (llama.cpp tests the current code point for "inside the text")
            int flags2 = cpt == ' ' ? c.flags(pos + 1) : flags;
            if (isOther(flags2) || (flags2 == 0 && flags != 0)) {
                if (cpt == ' ') {
                    pos++;
                }
                while (isOther(flags2)) {
                    flags2 = c.flags(++pos);
                }
                while (SplitCursor.isNewline(c.cp(pos))) {
                    pos++;
                }
                c.emit(pos);
                continue;
            }
            int spaces = 0;
            int afterLastNewline = 0;
            while (c.has(pos + spaces, WHITESPACE)) {
                if (SplitCursor.isNewline(c.cp(pos + spaces))) {
                    afterLastNewline = pos + spaces + 1;
                }
                spaces++;
            }
            if (afterLastNewline > 0) {
                // \s*[\r\n]+
                pos = afterLastNewline;
                c.emit(pos);
                continue;
            }
            if (spaces > 1 && c.cp(pos + spaces) != SplitCursor.OUT_OF_RANGE) {
                // \s+(?!\S): leave the last space to prefix the next word
                pos += spaces - 1;
                c.emit(pos);
                continue;
            }
            if (spaces > 0) {
                pos += spaces;
                c.emit(pos);
                continue;
            }
            c.emit(++pos);
        }
    }

    /** Neither whitespace, letter nor number, and inside the text. */
    private static boolean isOther(int flags) {
        return flags != 0 && (flags & (WHITESPACE | LETTER | NUMBER)) == 0;
    }

    private static int lower(int cp) {
        return cp < 0 ? cp : Character.toLowerCase(cp);
    }
}
