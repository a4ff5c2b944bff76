package io.k3mcp.kernels;

/**
 * Where each token of a batch goes in a mixture-of-experts layer: token t's slot s uses expert
 * {@code experts[t * nUsed + s]}. Pair {@code p = t * nUsed + s} is the unit the expert products work on.
 */
public record ExpertRoutes(int[] experts, int nTokens, int nUsed) {
    public ExpertRoutes {
        if (nTokens < 0 || nUsed < 1) {
            throw new IllegalArgumentException("expert routes: " + nTokens + " tokens x " + nUsed + " used experts");
        }
        // tokens x slots must fit an int (pair indices, pairs()): a product that wraps could match a short id array
        if ((long) nTokens * nUsed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("expert routes: " + nTokens + " tokens x " + nUsed + " used experts = "
                + (long) nTokens * nUsed + " pairs, more than the " + Integer.MAX_VALUE + " an int index holds");
        }
        if (experts == null) {
            throw new IllegalArgumentException("expert routes: the expert ids are null");
        }
        if (experts.length != nTokens * nUsed) {
            throw new IllegalArgumentException("expert routes: " + experts.length + " expert ids for " + nTokens
                + " tokens x " + nUsed + " slots");
        }
    }

    /** Tokens times slots (an int: the constructor refuses more). */
    public int pairs() {
        return nTokens * nUsed;
    }

    /** Throws naming the first id outside 0..nExpert-1. */
    public void checkIds(int nExpert) {
        for (int p = 0; p < experts.length; p++) {
            if (experts[p] < 0 || experts[p] >= nExpert) {
                throw new IllegalArgumentException("expert routes: token " + p / nUsed + " slot " + p % nUsed + " names expert "
                    + experts[p] + ", outside 0.." + (nExpert - 1));
            }
        }
    }
}
