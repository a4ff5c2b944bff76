package io.k3mcp.server.cli;

import io.k3mcp.engine.session.KvType;
import io.k3mcp.engine.session.KvTypeException;
import io.k3mcp.kernels.GgmlType;
import picocli.CommandLine.Option;

/** {@code --cache-type-k} / {@code --cache-type-v} (llama.cpp's -ctk/-ctv names), shared by serve, generate, score and bench. */
public final class KvTypeOptions {
    @Option(names = {"-ctk", "--cache-type-k"}, defaultValue = "f16",
            description = "KV cache type for K: " + KvType.SUPPORTED + " (quantised rows as llama.cpp's -ctk). Default: ${DEFAULT-VALUE}.")
    public String typeK;

    @Option(names = {"-ctv", "--cache-type-v"}, defaultValue = "f16",
            description = "KV cache type for V: the same as --cache-type-k (llama.cpp's -ctv). Default: ${DEFAULT-VALUE}.")
    public String typeV;

    /** The one cache type both flags name; a usage error naming the flag otherwise. */
    public GgmlType type() {
        GgmlType k = parse("--cache-type-k", typeK);
        GgmlType v = parse("--cache-type-v", typeV);
        if (k != v) {
            throw new UsageException("--cache-type-v: " + typeV + " differs from --cache-type-k " + typeK
                    + "; K and V must use the same type (" + KvType.SUPPORTED + ")");
        }
        return k;
    }

    /** A type the model cannot hold (a quantised block that splits a head), as the flags' usage error. */
    public static UsageException usage(KvTypeException e) {
        return new UsageException("--cache-type-k/--cache-type-v: " + e.getMessage());
    }

    private static GgmlType parse(String flag, String name) {
        try {
            return KvType.parse(name);
        } catch (KvTypeException e) {
            throw new UsageException(flag + ": " + e.getMessage());
        }
    }
}
