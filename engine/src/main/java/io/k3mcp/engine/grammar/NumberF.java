package io.k3mcp.engine.grammar;

/** A JSON number (integer only when the schema says so), at most {@value #MAX_BYTES} bytes long. */
record NumberF(boolean integer, Phase phase, int bytes) implements Frames.Frame {
    static final int MAX_BYTES = 24;

    enum Phase { START, MINUS, ZERO, INT, DOT, FRAC, EXP, EXP_SIGN, EXP_DIGITS }

    @Override
    public Frames.Result feed(int b) {
        boolean digit = b >= '0' && b <= '9';
        Phase next = switch (phase) {
            case START -> b == '-' ? Phase.MINUS : b == '0' ? Phase.ZERO : digit ? Phase.INT : null;
            case MINUS -> b == '0' ? Phase.ZERO : digit ? Phase.INT : null;
            case ZERO -> !integer && b == '.' ? Phase.DOT : !integer && (b == 'e' || b == 'E') ? Phase.EXP : null;
            case INT -> digit ? Phase.INT : !integer && b == '.' ? Phase.DOT : !integer && (b == 'e' || b == 'E') ? Phase.EXP : null;
            case DOT -> digit ? Phase.FRAC : null;
            case FRAC -> digit ? Phase.FRAC : (b == 'e' || b == 'E') ? Phase.EXP : null;
            case EXP -> (b == '+' || b == '-') ? Phase.EXP_SIGN : digit ? Phase.EXP_DIGITS : null;
            case EXP_SIGN, EXP_DIGITS -> digit ? Phase.EXP_DIGITS : null;
        };
        if (next == null) {
            return terminable() ? Frames.Result.doneUnconsumed(null) : null;
        }
        if (bytes + 1 > MAX_BYTES) {
            return null;
        }
        return Frames.Result.replace(new NumberF(integer, next, bytes + 1));
    }

    @Override
    public boolean terminable() {
        return phase == Phase.ZERO || phase == Phase.INT || phase == Phase.FRAC || phase == Phase.EXP_DIGITS;
    }

    @Override
    public int minRemaining() {
        return switch (phase) {
            case START, MINUS, DOT, EXP, EXP_SIGN -> 1;
            default -> 0;
        };
    }
}
