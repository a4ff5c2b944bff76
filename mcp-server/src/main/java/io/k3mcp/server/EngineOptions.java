package io.k3mcp.server;

import io.k3mcp.kernels.GgmlType;
import java.nio.file.Path;

/**
 * What {@code serve} was told about models and threads, kept for the engine-backed tools
 * (generate, embed, benchmark); null fields mean "not given".
 *
 * @param model generation model (GGUF)
 * @param embedModel embedding model (GGUF); null means the bundled default
 * @param threads worker threads; null means the engine's choice
 * @param cores cpu list ("0-3,6", "x100", "a100"); null means no pinning request
 * @param ctxSize context of each generation session in tokens; 0 means the default (trained context within the memory budget)
 * @param kvType the generation sessions' KV cache type (F16, Q8_0, Q4_0, F32)
 */
public record EngineOptions(Path model, Path embedModel, Integer threads, String cores, int ctxSize, GgmlType kvType) {
    public EngineOptions(Path model, Path embedModel, Integer threads, String cores) {
        this(model, embedModel, threads, cores, 0, GgmlType.F16);
    }

    public static EngineOptions none() {
        return new EngineOptions(null, null, null, null);
    }
}
