package io.k3mcp.engine.tokenizer;

/**
 * Token attribute bits as llama.cpp keeps them (llama_token_attr). They start from the GGUF token
 * type and are then adjusted by name (an end-of-turn token is always CONTROL, for example).
 */
final class TokenAttr {
    static final int UNDEFINED = 0;
    static final int UNKNOWN = 1;
    static final int UNUSED = 1 << 1;
    static final int NORMAL = 1 << 2;
    static final int CONTROL = 1 << 3;
    static final int USER_DEFINED = 1 << 4;
    static final int BYTE = 1 << 5;

    private TokenAttr() {
    }

    static int fromType(int tokenType) {
        return switch (tokenType) {
            case TokenType.NORMAL -> NORMAL;
            case TokenType.UNKNOWN -> UNKNOWN;
            case TokenType.CONTROL -> CONTROL;
            case TokenType.USER_DEFINED -> USER_DEFINED;
            case TokenType.UNUSED -> UNUSED;
            case TokenType.BYTE -> BYTE;
            default -> UNDEFINED;
        };
    }
}
