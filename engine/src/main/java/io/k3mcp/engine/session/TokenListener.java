package io.k3mcp.engine.session;

/** Called after each prefill batch and each generated token (streaming, progress). */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param index     0-based index of the generated token
     * @param token     its id
     * @param textDelta text that became final with it (may be empty: partial UTF-8, or a possible stop-string prefix held back)
     */
    void onToken(int index, int token, String textDelta);

    /** Called after each prefill batch: {@code done} of the prompt's {@code total} tokens are in the cache. */
    default void onPrefill(int done, int total) {
    }

    /** Called once at the end with text held back until then (a partial stop-string match, incomplete UTF-8); may be empty. */
    default void onEnd(String finalDelta) {
    }

    TokenListener NONE = (index, token, textDelta) -> { };
}
