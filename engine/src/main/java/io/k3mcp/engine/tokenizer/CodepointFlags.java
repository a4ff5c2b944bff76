package io.k3mcp.engine.tokenizer;

/**
 * Unicode classes of a code point as llama.cpp's pre-tokenizers see them (unicode_cpt_flags): one
 * general-category bit (\p{N}, \p{L}, \p{Z}, \p{M}, \p{P}, \p{S} or \p{C}, where unassigned code
 * points count as \p{C}) plus a whitespace bit for the Unicode White_Space property. Zero means
 * "outside the text", which the split rules test for.
 */
final class CodepointFlags {
    static final int NUMBER = 1 << 1;
    static final int LETTER = 1 << 2;
    static final int SEPARATOR = 1 << 3;
    static final int MARK = 1 << 4;
    static final int PUNCTUATION = 1 << 5;
    static final int SYMBOL = 1 << 6;
    static final int CONTROL = 1 << 7;
    static final int WHITESPACE = 1 << 8;

    private CodepointFlags() {
    }

    static int of(int cp) {
        int flags = category(cp);
        return isWhitespace(cp) ? flags | WHITESPACE : flags;
    }

    static boolean is(int flags, int bit) {
        return (flags & bit) != 0;
    }

    private static int category(int cp) {
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER:
                return LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER:
                return NUMBER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK:
                return MARK;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR:
                return SEPARATOR;
            case Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.CONNECTOR_PUNCTUATION, Character.OTHER_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION:
                return PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL:
                return SYMBOL;
            default:
                return CONTROL;
        }
    }

    /** The White_Space property (what Python's regex \s matches); 0x1C..0x1F are not in it. */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }
}
