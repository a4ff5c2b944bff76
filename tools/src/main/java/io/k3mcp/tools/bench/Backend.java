package io.k3mcp.tools.bench;

import java.util.Locale;

/** Which kernels a benchmark runs on: native when the library loads (auto), or forced either way. */
public enum Backend {
    AUTO, NATIVE, REFERENCE;

    public static Backend parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("backend must be auto, native or reference, not '" + s + "'", e);
        }
    }
}
