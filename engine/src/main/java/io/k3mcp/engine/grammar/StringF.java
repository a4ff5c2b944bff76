package io.k3mcp.engine.grammar;

/**
 * A JSON string: escapes, \\uXXXX, no raw control characters, well-formed UTF-8, and the schema's
 * length bounds counted in characters. The length is tracked only when a bound needs it, so that
 * free-text states repeat and their token masks can be cached.
 */
record StringF(int minLength, int maxLength, Phase phase, int length, int pending) implements Frames.Frame {
    enum Phase { START, BODY, ESCAPE, UNICODE }

    static StringF start(int min, int max) {
        return new StringF(min, max, Phase.START, 0, 0);
    }

    StringF afterQuote() {
        return new StringF(minLength, maxLength, Phase.BODY, 0, 0);
    }

    /**
     * {@code pending} holds the continuation bytes still due plus LEAD times a lead kind that narrows
     * the next byte's range (Unicode's well-formed UTF-8, table 3-7): no overlong forms (E0, F0), no
     * surrogates (ED), nothing past U+10FFFF (F4). Decoders turn those into U+FFFD, which would change
     * the string and its length.
     */
    private static final int LEAD = 4;

    private static int leadKind(int b) {
        return switch (b) {
            case 0xE0 -> 1;
            case 0xED -> 2;
            case 0xF0 -> 3;
            case 0xF4 -> 4;
            default -> 0;
        };
    }

    private static boolean secondByteAllowed(int kind, int b) {
        return switch (kind) {
            case 1 -> b >= 0xA0;
            case 2 -> b <= 0x9F;
            case 3 -> b >= 0x90;
            case 4 -> b <= 0x8F;
            default -> true;
        };
    }

    private boolean tracksLength() {
        return minLength > 0 || maxLength != Integer.MAX_VALUE;
    }

    private StringF withChar() {
        int len = tracksLength() ? length + 1 : 0;
        return new StringF(minLength, maxLength, Phase.BODY, len, 0);
    }

    @Override
    public Frames.Result feed(int b) {
        switch (phase) {
            case START:
                return b == '"' ? Frames.Result.replace(afterQuote()) : null;
            case BODY:
                if (pending > 0) {
                    // inside a multi-byte UTF-8 character: only continuation bytes, in the range the lead allows
                    int left = pending % LEAD;
                    if ((b & 0xC0) != 0x80 || !secondByteAllowed(pending / LEAD, b)) {
                        return null;
                    }
                    return Frames.Result.replace(left == 1 ? withChar()
                            : new StringF(minLength, maxLength, Phase.BODY, length, left - 1));
                }
                if (b == '"') {
                    return length >= minLength ? Frames.Result.done(null) : null;
                }
                if (tracksLength() && length >= maxLength) {
                    return null;
                }
                if (b == '\\') {
                    return Frames.Result.replace(new StringF(minLength, maxLength, Phase.ESCAPE, length, 0));
                }
                if (b < 0x20 || b == 0x7F) {
                    return null;
                }
                if (b < 0x80) {
                    return Frames.Result.replace(withChar());
                }
                int more = (b & 0xE0) == 0xC0 && b >= 0xC2 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 && b <= 0xF4 ? 3 : -1;
                return more < 0 ? null : Frames.Result.replace(new StringF(minLength, maxLength, Phase.BODY, length,
                        more + LEAD * leadKind(b)));
            case ESCAPE:
                if (b == 'u') {
                    return Frames.Result.replace(new StringF(minLength, maxLength, Phase.UNICODE, length, 4));
                }
                return "\"\\/bfnrt".indexOf(b) >= 0 ? Frames.Result.replace(withChar()) : null;
            case UNICODE:
                boolean hex = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
                if (!hex) {
                    return null;
                }
                return Frames.Result.replace(pending == 1 ? withChar()
                        : new StringF(minLength, maxLength, Phase.UNICODE, length, pending - 1));
            default:
                return null;
        }
    }

    @Override
    public int minRemaining() {
        int need = Math.max(0, minLength - length);
        return switch (phase) {
            case START -> 2 + minLength;
            case BODY -> pending % LEAD + need + 1;
            case ESCAPE -> 1 + Math.max(0, need - 1) + 1;
            case UNICODE -> pending + Math.max(0, need - 1) + 1;
        };
    }
}
