package io.k3mcp.engine.session;

/** Called after each generated token (streaming, progress). */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param index     0-based index of the generated token
     * @param token     its id
     * @param textDelta text that became final with it (may be empty: partial UTF-8, or a possible stop-string prefix held back)
     */
    void onToken(int index, int token, String textDelta);

    TokenListener NONE = (index, token, textDelta) -> { };
}
