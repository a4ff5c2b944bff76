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
 * @param parallel sequence slots per generation model (calls served together by continuous batching)
 * @param cacheRamMib the prefix cache's size per generation model in MiB; null means sized from free memory
 */
public record EngineOptions(Path model, Path embedModel, Integer threads, String cores, ModelCatalog catalog,
                            ModelRegistry.Limits limits, int ctxSize, GgmlType kvType, int parallel, Long cacheRamMib) {
    /** The most --cache-ram takes (1 TiB): more is a typo, not a plan. */
    public static final long MAX_CACHE_RAM_MIB = 1L << 20;

    /** serve's default for --parallel. */
    public static final int DEFAULT_PARALLEL = 4;

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

    public EngineOptions(Path model, Path embedModel, Integer threads, String cores, ModelCatalog catalog,
                         ModelRegistry.Limits limits, int ctxSize, GgmlType kvType) {
        this(model, embedModel, threads, cores, catalog, limits, ctxSize, kvType, DEFAULT_PARALLEL, null);
    }

    public EngineOptions(Path model, Path embedModel, Integer threads, String cores, int parallel, Long cacheRamMib) {
        this(model, embedModel, threads, cores, null, ModelRegistry.Limits.NONE, 0, GgmlType.F16, parallel, cacheRamMib);
    }

    /** The prefix cache's bytes: --cache-ram, or sized from the memory free now. */
    public long prefixCacheBytes() {
        return cacheRamMib == null ? io.k3mcp.engine.session.SystemMemory.defaultPrefixCacheBytes() : cacheRamMib << 20;
    }

    public static EngineOptions none() {
        return new EngineOptions(null, null, null, null);
    }
}
