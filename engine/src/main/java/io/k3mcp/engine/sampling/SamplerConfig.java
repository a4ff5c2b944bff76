package io.k3mcp.engine.sampling;

/**
 * How to pick the next token, with llama.cpp's meanings. Checked on construction; each message
 * names the argument (snake_case, as tools and the CLI spell it).
 *
 * @param temperature   0 = greedy (argmax, ties to the lower id); otherwise logits are divided by it
 * @param topK          keep the k most likely tokens; 0 = off
 * @param topP          keep the smallest set of most likely tokens whose probability reaches p; 1 = off
 * @param minP          drop tokens less likely than minP times the most likely one; 0 = off
 * @param repeatPenalty divide positive / multiply negative logits of recently seen tokens; 1 = off
 * @param repeatLastN   how many recent tokens (prompt included) the penalty looks at
 * @param seed          seed of the random draw: the same seed gives the same output
 */
public record SamplerConfig(float temperature, int topK, float topP, float minP, float repeatPenalty,
                            int repeatLastN, long seed) {

    /** llama.cpp's defaults for top_k, top_p, min_p and repeat_last_n. */
    public static final int DEFAULT_TOP_K = 40;
    public static final float DEFAULT_TOP_P = 0.95f;
    public static final float DEFAULT_MIN_P = 0.05f;
    public static final int DEFAULT_REPEAT_LAST_N = 64;

    public SamplerConfig {
        if (!(temperature >= 0f) || temperature > 100f) {
            throw new IllegalArgumentException("temperature must be in [0, 100], got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0f && minP <= 1f)) {
            throw new IllegalArgumentException("min_p must be in [0, 1], got " + minP);
        }
        if (!(repeatPenalty > 0f) || repeatPenalty > 10f) {
            throw new IllegalArgumentException("repeat_penalty must be in (0, 10], got " + repeatPenalty);
        }
        if (repeatLastN < 0) {
            throw new IllegalArgumentException("repeat_last_n must be >= 0, got " + repeatLastN);
        }
    }

    /** Argmax, no penalty. */
    public static SamplerConfig greedy() {
        return new SamplerConfig(0f, 0, 1f, 0f, 1f, DEFAULT_REPEAT_LAST_N, 0L);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }
}
