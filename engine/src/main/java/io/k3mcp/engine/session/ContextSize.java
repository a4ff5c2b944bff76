package io.k3mcp.engine.session;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.ModelConfig;
import io.k3mcp.kernels.GgmlType;


/**
 * How many tokens a session's context holds, and why. The default is the model's trained context,
 * capped so that the KV cache (from the model's shape and the KV type, {@link KvCache#bytesFor}) fits
 * a budget of half the free memory; a requested size must be within the trained context and fit the
 * free memory itself.
 *
 * @param tokens the context length
 * @param reason why this figure: "requested", "trained context" or "memory budget ..."
 * @param cacheBytes what the KV cache needs once full
 */
public record ContextSize(int tokens, String reason, long cacheBytes) {

    /** Share of the free memory the default context's KV cache may take (weights and buffers need the rest). */
    static final double DEFAULT_BUDGET_SHARE = 0.5;

    /**
     * @param requested  tokens asked for; 0 = the default
     * @param freeBytes  memory available to the cache (see {@link FreeMemory})
     * @throws ContextSizeException when the request is past the trained context or the free memory
     */
    public static ContextSize choose(ModelConfig config, int requested, GgmlType kvType, long freeBytes) {
        int trained = config.contextLength();
        if (requested < 0) {
            throw new ContextSizeException("context size must be >= 0 (0 = the default), got " + requested);
        }
        if (requested > trained) {
            throw new ContextSizeException("context size " + requested + " is past the model's trained context of "
                    + trained + " tokens");
        }
        if (requested > 0) {
            long need = KvCache.bytesFor(config, requested, kvType);
            if (need > freeBytes) {
                throw new ContextSizeException("context size " + requested + " needs a " + kvType.name()
                        + " KV cache of " + mib(need) + " MiB, past the " + mib(freeBytes) + " MiB of free memory (at most "
                        + fitting(config, kvType, freeBytes, trained) + " tokens fit)");
            }
            return new ContextSize(requested, "requested", need);
        }
        long budget = (long) (freeBytes * DEFAULT_BUDGET_SHARE);
        int fits = fitting(config, kvType, budget, trained);
        if (fits < 1) {
            throw new ContextSizeException("not even one token of " + kvType.name() + " KV cache fits the memory budget of "
                    + mib(budget) + " MiB (half the free memory)");
        }
        if (fits >= trained) {
            return new ContextSize(trained, "trained context", KvCache.bytesFor(config, trained, kvType));
        }
        return new ContextSize(fits, "memory budget: the trained context of " + trained + " tokens needs "
                + mib(KvCache.bytesFor(config, trained, kvType)) + " MiB of " + kvType.name() + " KV cache, past half of the "
                + mib(freeBytes) + " MiB free", KvCache.bytesFor(config, fits, kvType));
    }

    /** The longest context (at most {@code limit}) whose cache fits {@code bytes}; bytesFor grows with the length. */
    private static int fitting(ModelConfig config, GgmlType kvType, long bytes, int limit) {
        int lo = 0;
        int hi = limit;
        while (lo < hi) {
            int mid = (int) (((long) lo + hi + 1) / 2);
            if (KvCache.bytesFor(config, mid, kvType) <= bytes) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
