package io.k3mcp.server;

import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.tools.models.ModelCatalog;
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
 */
public record EngineOptions(Path model, Path embedModel, Integer threads, String cores, ModelCatalog catalog,
                            ModelRegistry.Limits limits) {
    public EngineOptions {
        limits = limits == null ? ModelRegistry.Limits.NONE : limits;
    }

    public EngineOptions(Path model, Path embedModel, Integer threads, String cores) {
        this(model, embedModel, threads, cores, null, ModelRegistry.Limits.NONE);
    }

    public static EngineOptions none() {
        return new EngineOptions(null, null, null, null);
    }
}
