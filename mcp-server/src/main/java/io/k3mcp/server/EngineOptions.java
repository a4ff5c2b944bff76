package io.k3mcp.server;

import java.nio.file.Path;

/**
 * What {@code serve} was told about models and threads, kept for the engine-backed tools
 * (generate, embed, benchmark); null fields mean "not given".
 *
 * @param model generation model (GGUF)
 * @param embedModel embedding model (GGUF); null means the bundled default
 * @param threads worker threads; null means the engine's choice
 * @param cores cpu list ("0-3,6", "x100", "a100"); null means no pinning request
 * @param parallel sequence slots per generation model (calls served together by continuous batching)
 * @param cacheRamMib the prefix cache's size per generation model in MiB; null means sized from free memory
 */
public record EngineOptions(Path model, Path embedModel, Integer threads, String cores, int parallel, Long cacheRamMib) {
    /** The most --cache-ram takes (1 TiB): more is a typo, not a plan. */
    public static final long MAX_CACHE_RAM_MIB = 1L << 20;

    /** serve's default for --parallel. */
    public static final int DEFAULT_PARALLEL = 4;

    public EngineOptions(Path model, Path embedModel, Integer threads, String cores) {
        this(model, embedModel, threads, cores, DEFAULT_PARALLEL, null);
    }

    /** The prefix cache's bytes: --cache-ram, or sized from the memory free now. */
    public long prefixCacheBytes() {
        return cacheRamMib == null ? io.k3mcp.engine.session.SystemMemory.defaultPrefixCacheBytes() : cacheRamMib << 20;
    }

    public static EngineOptions none() {
        return new EngineOptions(null, null, null, null);
    }
}
