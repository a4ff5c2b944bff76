package io.k3mcp.engine.session;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why generation ended; serialised as the CONTRACT's lower-case words. */
public enum FinishReason {
    /** A stop string appeared (it is not part of the text). */
    STOP,
    /** max_tokens reached. */
    LENGTH,
    /** The model produced an end-of-generation token. */
    EOS,
    /** The caller cancelled between tokens. */
    CANCELLED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
