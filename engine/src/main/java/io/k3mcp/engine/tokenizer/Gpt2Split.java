package io.k3mcp.engine.tokenizer;

import static io.k3mcp.engine.tokenizer.CodepointFlags.LETTER;
import static io.k3mcp.engine.tokenizer.CodepointFlags.NUMBER;
import static io.k3mcp.engine.tokenizer.CodepointFlags.WHITESPACE;

/**
 * GPT-2's pre-tokenizer regex {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}
 * as llama.cpp runs it: by hand over code point flags (unicode_regex_split_custom_gpt2), not
 * through a regex engine, so its corner cases are the ones reproduced here.
 */
final class Gpt2Split implements SplitStage {
    static final Gpt2Split INSTANCE = new Gpt2Split();

    private Gpt2Split() {
    }

    @Override
    public void split(PreText text, int start, int length, IntList lengths) {
        SplitCursor c = new SplitCursor(text, start, length, lengths);
        int end = c.end();
        int pos = start;
        while (pos < end) {
            int cpt = c.cp(pos);
            if (cpt == '\'' && pos + 1 < end) {
                int next = c.cp(pos + 1);
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    pos += c.emit(pos + 2);
                    continue;
                }
                if (pos + 2 < end) {
                    int next2 = c.cp(pos + 2);
                    if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                        pos += c.emit(pos + 3);
                        continue;
                    }
                }
            }
            // an optional leading space, then letters, digits or other non-space symbols
            int flags2 = cpt == ' ' ? c.flags(pos + 1) : c.flags(pos);
            int run = runClass(flags2);
            if (run != 0) {
                if (cpt == ' ') {
                    pos++;
                }
                while (flags2 != 0 && runClass(flags2) == run) {
                    flags2 = c.flags(++pos);
                }
                c.emit(pos);
                continue;
            }
            int spaces = c.whitespaceRun(pos);
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

    /** LETTER, NUMBER, or -1 for "other non-space", 0 for whitespace or outside the text. */
    private static int runClass(int flags) {
        if (CodepointFlags.is(flags, LETTER)) {
            return LETTER;
        }
        if (CodepointFlags.is(flags, NUMBER)) {
            return NUMBER;
        }
        if (flags != 0 && !CodepointFlags.is(flags, WHITESPACE)) {
            return -1;
        }
        return 0;
    }
}
