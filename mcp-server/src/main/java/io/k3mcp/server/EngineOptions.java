package io.k3mcp.server;

import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.tools.models.ModelCatalog;
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
 * @param catalog the models by name (--models-dir); null means paths only
 * @param limits when loaded models are evicted (--max-loaded, --memory-budget)
 * @param ctxSize context of each generation session in tokens; 0 means the default (trained context within the memory budget)
 * @param kvType the generation sessions' KV cache type (F16, Q8_0, Q4_0, F32)
 */
public record EngineOptions(Path model, Path embedModel, Integer threads, String cores, ModelCatalog catalog,
                            ModelRegistry.Limits limits, int ctxSize, GgmlType kvType) {
    public EngineOptions {
        limits = limits == null ? ModelRegistry.Limits.NONE : limits;
        kvType = kvType == null ? GgmlType.F16 : kvType;
    }

    public EngineOptions(Path model, Path embedModel, Integer threads, String cores) {
        this(model, embedModel, threads, cores, null, ModelRegistry.Limits.NONE, 0, GgmlType.F16);
    }

    public EngineOptions(Path model, Path embedModel, Integer threads, String cores, ModelCatalog catalog,
                         ModelRegistry.Limits limits) {
        this(model, embedModel, threads, cores, catalog, limits, 0, GgmlType.F16);
    }

    public EngineOptions(Path model, Path embedModel, Integer threads, String cores, int ctxSize, GgmlType kvType) {
        this(model, embedModel, threads, cores, null, ModelRegistry.Limits.NONE, ctxSize, kvType);
    }

    public static EngineOptions none() {
        return new EngineOptions(null, null, null, null);
    }
}
