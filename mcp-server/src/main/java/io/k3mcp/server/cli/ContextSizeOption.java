package io.k3mcp.server.cli;

import io.k3mcp.engine.session.ContextSizeException;
import picocli.CommandLine.Option;

/** {@code --ctx-size N}, shared by serve, generate and score: the session's context in tokens (bench has its own: 0 there sizes the cache to the tests). */
public final class ContextSizeOption {
    @Option(names = "--ctx-size", defaultValue = "0",
            description = "Context (KV cache) length in tokens, up to the model's trained context; 0 = the trained context, "
                    + "capped so the KV cache fits half the free memory. Default: ${DEFAULT-VALUE}.")
    public int ctxSize;

    /** The flag's value, checked for sign (the model's limits are checked when it loads). */
    public int value() {
        if (ctxSize < 0) {
            throw new UsageException("--ctx-size: must be >= 0 (0 = the default), got " + ctxSize);
        }
        return ctxSize;
    }

    /** A context the model or the memory cannot give, as --ctx-size's usage error. */
    public static UsageException usage(ContextSizeException e) {
        return new UsageException("--ctx-size: " + e.getMessage());
    }
}
