package io.k3mcp.engine.model;

import java.util.Arrays;

/**
 * The logits arrays {@link Transformer#forwardReused} hands out, one per sequence slot of a step, kept from
 * step to step while a slot's size stays the same (a decode step's is one row of the vocabulary). The arrays
 * are kept, not shrunk: a slot that verified a draft holds (1 + draft) rows until its size changes.
 */
final class ReusedLogits {
    private float[][] arrays = new float[0][];

    /** Slot {@code i}'s array of exactly {@code size} floats: last step's when it had that size, else a new one. */
    float[] array(int i, int size) {
        if (i >= arrays.length) {
            arrays = Arrays.copyOf(arrays, Math.max(i + 1, 2 * arrays.length));
        }
        if (arrays[i] == null || arrays[i].length != size) {
            arrays[i] = new float[size];
        }
        return arrays[i];
    }
}
