package io.k3mcp.engine.model;

import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
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

    @Test
    void eachSequenceInABatchAttendsThroughItsOwnCachesRotation() throws IOException {
        try (Model m = Model.load(Shared.model("llama-mini-f32.gguf"), ReferenceKernels.INSTANCE)) {
            Transformer t = new Transformer(m, ReferenceKernels.INSTANCE, 16);
            GgmlType[] types = {GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.F32};
            int[][] prompts = {{1, 5, 9, 12}, {1, 7, 3}, {1, 5, 9, 12}, {2, 4}};
            List<SequenceStep> batch = new java.util.ArrayList<>();
            float[][] alone = new float[types.length][];
            for (int i = 0; i < types.length; i++) {
                assertEquals(i == 0 || i == 3, new KvCache(m.config(), 16, types[i]).rotation().k() == 0,
                        "F16/F32 caches are not rotated, quantised ones are");
                alone[i] = t.forward(new KvCache(m.config(), 16, types[i]), prompts[i], true);
                batch.add(new SequenceStep(new KvCache(m.config(), 16, types[i]), prompts[i], true));
            }
            // the Q8_0 and Q4_0 sequences rotate q, k, v and unrotate the output; the F16/F32 ones beside them do not
            float[][] together = t.forward(batch);
            for (int i = 0; i < types.length; i++) {
                assertArrayEquals(alone[i], together[i], types[i] + " sequence batched vs alone");
            }
            float[] decodeAlone = t.forward(batch.get(1).cache(), new int[] {6}, false);
            KvCache q8 = new KvCache(m.config(), 16, GgmlType.Q8_0);
            KvCache f16 = new KvCache(m.config(), 16, GgmlType.F16);
            t.forward(List.of(new SequenceStep(f16, prompts[0], false), new SequenceStep(q8, prompts[1], false)));
            float[][] decodes = t.forward(List.of(new SequenceStep(f16, new int[] {6}, false), new SequenceStep(q8, new int[] {6}, false)));
            assertArrayEquals(decodeAlone, decodes[1], "a Q8_0 decode beside an F16 one");
        }
    }

    @Test
    void reusedLogitsAreTheBatchsNumbersInArraysKeptFromStepToStep() throws IOException {
        try (Model m = Model.load(Shared.model("llama-mini-f32.gguf"), ReferenceKernels.INSTANCE)) {
            Transformer t = new Transformer(m, ReferenceKernels.INSTANCE, 16);
            Transformer fresh = new Transformer(m, ReferenceKernels.INSTANCE, 16);
            int[][] prompts = {{1, 5, 9, 12}, {1, 7, 3}};
            KvCache[] reused = {new KvCache(m.config(), 16, GgmlType.F16), new KvCache(m.config(), 16, GgmlType.F16)};
            KvCache[] plain = {new KvCache(m.config(), 16, GgmlType.F16), new KvCache(m.config(), 16, GgmlType.F16)};
            float[][] first = t.forwardReused(steps(reused, prompts, true));
            float[][] expected = fresh.forward(steps(plain, prompts, true));
            assertArrayEquals(expected[0], first[0]);
            assertArrayEquals(expected[1], first[1]);
            float[][] previous = null;
            for (int token : new int[] {6, 2, 8}) {
                int[][] next = {{token}, {token + 1}};
                float[][] got = t.forwardReused(steps(reused, next, false));
                float[][] want = fresh.forward(steps(plain, next, false));
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(want[i], got[i], "sequence " + i + " decoding " + token);
                    if (previous != null) {
                        assertSame(previous[i], got[i], "a decode step's array is the last decode step's");
                    }
                }
                assertNotSame(got[0], got[1]);
                previous = got;
            }
            // a step whose rows differ in number gets arrays of its own size
            float[][] two = t.forwardReused(steps(reused, new int[][] {{3, 4}, {5}}, true));
            assertEquals(2 * m.config().nVocab(), two[0].length);
            assertEquals(m.config().nVocab(), two[1].length);
            assertArrayEquals(fresh.forward(steps(plain, new int[][] {{3, 4}, {5}}, true))[0], two[0]);
        }
    }

    private static List<SequenceStep> steps(KvCache[] caches, int[][] tokens, boolean allLogits) {
        List<SequenceStep> steps = new java.util.ArrayList<>();
        for (int i = 0; i < caches.length; i++) {
            steps.add(new SequenceStep(caches[i], tokens[i], allLogits));
        }
        return steps;
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
