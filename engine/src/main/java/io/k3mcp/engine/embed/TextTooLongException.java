package io.k3mcp.engine.embed;

/** A text has more tokens than the model's context length and truncation was not asked for. */
public final class TextTooLongException extends IllegalArgumentException {
    private final int index;

    public TextTooLongException(int index, int tokens, int limit, String model) {
        super("text " + index + " is " + tokens + " tokens but " + model + " takes at most " + limit
                + " tokens (its context length); shorten it or ask for truncation");
        this.index = index;
    }

    /** Position of the offending text in the batch. */
    public int index() {
        return index;
    }
}
