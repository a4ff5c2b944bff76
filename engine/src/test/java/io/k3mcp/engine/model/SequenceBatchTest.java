package io.k3mcp.engine.model;

import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A batch of sequences that one forward pass cannot run is refused, naming why, and leaves every cache as it was. */
class SequenceBatchTest {
    @Test
    void badBatchesAreRefusedAndTouchNoCache() throws IOException {
        try (Model m = Model.load(Shared.model("llama-mini-f32.gguf"), ReferenceKernels.INSTANCE)) {
            Transformer t = new Transformer(m, ReferenceKernels.INSTANCE, 8);
            KvCache a = new KvCache(m.config(), 16, GgmlType.F16);
            KvCache b = new KvCache(m.config(), 16, GgmlType.F16);
            assertMessage("at least one sequence", () -> t.forward(List.of()));
            assertMessage("same KV cache", () -> t.forward(List.of(new SequenceStep(a, new int[] {1}, false),
                    new SequenceStep(a, new int[] {2}, false))));
            assertMessage("has no KV cache", () -> t.forward(List.of(new SequenceStep(null, new int[] {1}, false))));
            assertMessage("9 tokens; one forward pass runs at most 8", () -> t.forward(List.of(
                    new SequenceStep(a, new int[] {1, 2, 3, 4, 5}, false), new SequenceStep(b, new int[] {1, 2, 3, 4}, false))));
            assertMessage("outside the vocabulary", () -> t.forward(List.of(new SequenceStep(a, new int[] {1}, false),
                    new SequenceStep(b, new int[] {1 << 20}, false))));
            assertMessage("at least one token", () -> t.forward(List.of(new SequenceStep(a, new int[0], false))));
            assertEquals(0, a.length());
            assertEquals(0, b.length());
            // a good batch after the refusals runs: all logits of one sequence, the last of the other
            float[][] out = t.forward(List.of(new SequenceStep(a, new int[] {1, 2, 3}, true), new SequenceStep(b, new int[] {1, 5}, false)));
            int v = m.config().nVocab();
            assertEquals(3 * v, out[0].length);
            assertEquals(v, out[1].length);
            assertArrayEquals(new int[] {1, 2, 3}, a.tokens());
            assertArrayEquals(new int[] {1, 5}, b.tokens());
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
