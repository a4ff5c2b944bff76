package io.k3mcp.tools.bench;

import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.synthetic.Qwen35Layout;
import io.k3mcp.engine.synthetic.SyntheticModels;
import io.k3mcp.engine.synthetic.SyntheticPlan;
import io.k3mcp.engine.synthetic.SyntheticShape;
import io.k3mcp.engine.synthetic.SyntheticType;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bench at depth on a hybrid (delta-net layers' recurrent state beside attention layers' KV rows): the state cannot be
 * cut back, so repetitions resume from the checkpoint taken after the depth's prefill, and resume exactly: the decode
 * after a rewind is the decode of a cache filled afresh.
 */
class HybridDepthRewindTest {
    private static final int[] DEPTH = {1, 17, 33, 49, 65, 81, 97, 113, 129, 145, 161, 177};
    private static final int[] FED = {5, 9, 13, 200, 7, 3};

    @TempDir
    Path dir;

    @Test
    void repetitionsAtDepthResumeFromTheCheckpointExactly() throws IOException {
        SyntheticShape tiny = new SyntheticShape("tiny-qwen35", "qwen35", 256, 4, 4, 2, 64, 512, 400, 512, 1e7f, 1e-6f,
                true, null, new Qwen35Layout(4, 32, 4, 4, 4, 16, 0));
        Path p = new SyntheticModels(dir).ensure(SyntheticPlan.of(tiny, SyntheticType.Q8_0));
        try (Model m = Model.load(p, ReferenceKernels.INSTANCE);
             EngineTarget fresh = new EngineTarget(m, ReferenceKernels.INSTANCE, null, 64, GgmlType.F16);
             EngineTarget repeated = new EngineTarget(m, ReferenceKernels.INSTANCE, null, 64, GgmlType.F16)) {
            fresh.prefill(DEPTH);
            float[] want = decodeAll(fresh);

            repeated.prefill(DEPTH);
            decodeAll(repeated);
            assertFalse(repeated.rewind(DEPTH), "without a checkpoint the recurrent state, past the depth, cannot go back");
            repeated.reset();
            repeated.prefill(DEPTH);
            repeated.checkpoint();
            assertArrayEquals(want, decodeAll(repeated), "the first repetition");
            for (int r = 0; r < 2; r++) {
                assertTrue(repeated.rewind(DEPTH), "repetition " + (r + 2) + " resumes at the depth");
                assertArrayEquals(want, decodeAll(repeated), "repetition " + (r + 2) + " after the rewind");
            }
            repeated.reset();
            assertFalse(repeated.rewind(DEPTH), "a reset drops the checkpoint with the rows");
        }
    }

    /** The logits after each of FED, fed one at a time, end to end: a cache resumed from the wrong state changes them. */
    private static float[] decodeAll(EngineTarget t) {
        float[][] each = new float[FED.length][];
        int n = 0;
        for (int i = 0; i < FED.length; i++) {
            each[i] = t.logits(FED[i]);
            n += each[i].length;
        }
        float[] out = new float[n];
        for (int i = 0, at = 0; i < FED.length; at += each[i].length, i++) {
            System.arraycopy(each[i], 0, out, at, each[i].length);
        }
        return out;
    }
}
