package io.k3mcp.engine.model;

/**
 * How a mixture-of-experts layer turns one token's router logits into the experts it runs and their
 * weights. One implementation per gating scheme the architectures hard-code (llama.cpp's
 * {@code build_moe_ffn} arguments); {@link #forArchitecture} picks it.
 */
interface ExpertGating {

    /**
     * Chooses {@code nUsed} of the {@code logits.length} experts for one token: their ids into
     * {@code ids[at..at+nUsed)} (slot 0 the best) and weights into {@code weights[at..]}.
     */
    void route(float[] logits, int nUsed, int[] ids, float[] weights, int at);

    static ExpertGating forArchitecture(Architecture arch) {
        if (arch == Architecture.QWEN3MOE || arch == Architecture.GEMMA4 || arch == Architecture.QWEN35MOE) {
            return new SoftmaxTopK(true);
        }
        throw new UnsupportedModelException("architecture " + arch.ggufName + " has no expert gating");
    }

    /**
     * Softmax over all experts, the k most probable (ties to the lower index), and, when
     * {@code normalize}, their probabilities divided by their sum (clamped below at 2^-14, which only
     * avoids a division by zero): llama.cpp's SOFTMAX gating with norm_w, as f32 arithmetic in ggml's order
     * (exponentials summed in double, the sum's inverse applied as a float).
     */
    record SoftmaxTopK(boolean normalize) implements ExpertGating {
        private static final float MIN_WEIGHT_SUM = 6.103515625e-5f;

        @Override
        public void route(float[] logits, int nUsed, int[] ids, float[] weights, int at) {
            int n = logits.length;
            float max = Float.NEGATIVE_INFINITY;
            for (float v : logits) {
                max = Math.max(max, v);
            }
            float[] p = new float[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                p[i] = (float) Math.exp(logits[i] - max);
                sum += p[i];
            }
            float inv = (float) (1.0 / sum);
            for (int i = 0; i < n; i++) {
                p[i] *= inv;
            }
            boolean[] taken = new boolean[n];
            double picked = 0;
            for (int s = 0; s < nUsed; s++) {
                int best = -1;
                for (int i = 0; i < n; i++) {
                    if (!taken[i] && (best < 0 || p[i] > p[best])) {
                        best = i;
                    }
                }
                taken[best] = true;
                ids[at + s] = best;
                weights[at + s] = p[best];
                picked += p[best];
            }
            if (normalize) {
                float total = Math.max((float) picked, MIN_WEIGHT_SUM);
                for (int s = 0; s < nUsed; s++) {
                    weights[at + s] /= total;
                }
            }
        }
    }
}
