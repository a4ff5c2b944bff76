package io.k3mcp.engine.session;

/**
 * Prompt-lookup (n-gram) speculative decoding settings: draft up to {@code maxDraft} tokens by finding the
 * last {@code ngram} tokens earlier in the prompt and output, and verify them in one forward pass.
 *
 * @param ngram    tokens matched (1..8); 0 with maxDraft 0 means off
 * @param maxDraft most tokens drafted per step (1..32)
 * @param drafter  where drafts come from: null for prompt lookup; benchmarks give fixed ones (always wrong,
 *                 the model's own continuation) to measure the overhead and the ceiling
 */
public record Speculation(int ngram, int maxDraft, Drafter drafter) {
    public static final Speculation OFF = new Speculation(0, 0);
    /**
     * What greedy calls get when they name none. Up to 15 drafts: the verify pass is then 16 tokens, two whole
     * eight-token tiles of the packed GEMM (a 9-token pass pays a second tile for one token).
     */
    public static final Speculation DEFAULT = new Speculation(3, 15);

    /** Proposes up to {@code max} tokens to follow {@code history[0, length)}. */
    @FunctionalInterface
    public interface Drafter {
        int[] draft(int[] history, int length, int max);
    }

    /** Prompt lookup. */
    public Speculation(int ngram, int maxDraft) {
        this(ngram, maxDraft, null);
    }
    public static final int MAX_NGRAM = 8;
    public static final int MAX_DRAFT = 32;
    /** A call's first draft: longer ones come after drafts are wholly kept (Generation's back-off doubles it). */
    static final int FIRST_DRAFT = 4;

    public Speculation {
        boolean off = ngram == 0 && maxDraft == 0;
        if (!off && (ngram < 1 || ngram > MAX_NGRAM)) {
            throw new IllegalArgumentException("speculation.ngram must be 1.." + MAX_NGRAM + ", got " + ngram);
        }
        if (!off && (maxDraft < 1 || maxDraft > MAX_DRAFT)) {
            throw new IllegalArgumentException("speculation.max_draft must be 1.." + MAX_DRAFT + ", got " + maxDraft);
        }
    }

    public boolean enabled() {
        return maxDraft > 0;
    }

    /**
     * The tokens that followed the latest earlier occurrence of the last {@code ngram} tokens of
     * {@code history[0, length)}, at most {@code max} of them; empty when there is none.
     */
    int[] draft(int[] history, int length, int max) {
        int n = ngram;
        int k = Math.min(max, maxDraft);
        if (!enabled() || k < 1) {
            return new int[0];
        }
        if (drafter != null) {
            int[] d = drafter.draft(history, length, k);
            return d.length <= k ? d : java.util.Arrays.copyOf(d, k);
        }
        if (length <= n) {
            return new int[0];
        }
        for (int start = length - n - 1; start >= 0; start--) {
            if (matches(history, start, length - n, n)) {
                int from = start + n;
                int count = Math.min(k, length - from);
                int[] out = new int[count];
                System.arraycopy(history, from, out, 0, count);
                return out;
            }
        }
        return new int[0];
    }

    private static boolean matches(int[] h, int a, int b, int n) {
        for (int i = 0; i < n; i++) {
            if (h[a + i] != h[b + i]) {
                return false;
            }
        }
        return true;
    }
}
