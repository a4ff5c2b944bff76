package io.k3mcp.engine.embed;

import java.util.Locale;

/** How per-token hidden states become one vector: GGUF's {@code <arch>.pooling_type} numbering. */
public enum Pooling {
    /** One vector per token. */
    NONE(0),
    /** Average over all tokens, special ones included (sentence-transformers, llama.cpp). */
    MEAN(1),
    /** The first token ([CLS]). */
    CLS(2),
    /** The last token (decoder embedding models such as Qwen3-Embedding). */
    LAST(3);

    public final int ggufId;

    Pooling(int ggufId) {
        this.ggufId = ggufId;
    }

    /** The lower-case name used by the CLI and the tool ("mean", "cls", ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The pooling named {@code label} (mean|cls|last|none), or an exception listing those. */
    public static Pooling parse(String label) {
        for (Pooling p : values()) {
            if (p.label().equals(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pooling '" + label + "': expected one of mean, cls, last, none");
    }

    /** The pooling with GGUF number {@code id}, or null when k3mcp has none for it (4 = rank). */
    public static Pooling fromGguf(long id) {
        for (Pooling p : values()) {
            if (p.ggufId == id) {
                return p;
            }
        }
        return null;
    }
}
