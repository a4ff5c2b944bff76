package io.k3mcp.engine.model;

import io.k3mcp.engine.gguf.GgufMetadata;

/**
 * The mixture-of-experts hyperparameters of a model whose layers route each token to some of their
 * experts (null in {@link ModelConfig} for a dense model).
 *
 * @param nExpert expert FFNs per layer ({@code expert_count})
 * @param nUsed   experts each token runs ({@code expert_used_count})
 * @param nFfExp  hidden width of one expert ({@code expert_feed_forward_length}, else
 *                {@code feed_forward_length / expert_used_count} as llama.cpp falls back)
 */
public record ExpertConfig(int nExpert, int nUsed, int nFfExp) {
    public ExpertConfig {
        if (nExpert < 1 || nUsed < 1 || nUsed > nExpert || nFfExp < 1) {
            throw new UnsupportedModelException("mixture of experts: " + nUsed + " used of " + nExpert
                    + " experts of width " + nFfExp + " (need 1 <= used <= experts, width >= 1)");
        }
    }

    /** Reads the expert keys under prefix {@code p} ("qwen3moe."); null when the file has no experts. */
    static ExpertConfig read(GgufMetadata m, String p, Architecture arch, int nFf) {
        int nExpert = m.intIn(p + "expert_count", 0, 1 << 16, 0);
        if (nExpert == 0) {
            if (arch.mixtureOfExperts()) {
                throw new UnsupportedModelException(p + "expert_count is missing or 0: architecture " + arch.ggufName
                        + " routes every layer to experts");
            }
            return null;
        }
        if (!arch.mixtureOfExperts()) {
            throw new UnsupportedModelException(p + "expert_count is " + nExpert + ": mixture-of-experts layers are supported for "
                    + Architecture.mixtureOfExpertsNames() + ", not " + arch.ggufName);
        }
        String usedKey = p + "expert_used_count";
        if (m.has(usedKey) && !m.get(usedKey).type().isInteger()) {
            throw new UnsupportedModelException(usedKey + " is a per-layer array; only one count for every layer is supported");
        }
        int nUsed = m.intIn(usedKey, 1, nExpert);
        int nFfExp = m.intIn(p + "expert_feed_forward_length", 1, 1 << 20, nFf / nUsed);
        return new ExpertConfig(nExpert, nUsed, nFfExp);
    }
}
