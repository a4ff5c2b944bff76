package io.k3mcp.engine.tokenizer;

import io.k3mcp.engine.testing.Shared;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;

/** The tokenizers of ../shared/models, each built once per test run (llama3-vocab takes a second). */
final class RealTokenizers {
    private static final ConcurrentHashMap<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

    private RealTokenizers() {
    }

    static Tokenizer of(String modelFile) {
        return LOADED.computeIfAbsent(modelFile, f -> {
            try {
                return Tokenizers.fromFile(Shared.model(f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
