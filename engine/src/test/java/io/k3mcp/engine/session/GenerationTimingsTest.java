package io.k3mcp.engine.session;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The prompt's time ends after the forward pass of its last chunk, not when that chunk is handed out: a
 * prompt whose last chunk is long must not count that chunk's pass as decoding (bench --turn --spec's
 * spec-off row did: 21.9 t/s against 34.0 for always-wrong drafts). A fake clock stands for the passes.
 */
class GenerationTimingsTest {
    private static final long MS = 1_000_000;

    @Test
    void theLastPromptChunksPassCountsAsPrefillAndDecodeCountsTheTokensAfterTheFirst() {
        long[] now = {0};
        GenerationRequest r = GenerationRequest.greedy(new int[] {1, 2, 3, 1, 2}, 3).withSpeculation(Speculation.OFF);
        Generation g = new Generation(r, FixedText.noEog(new String[] {"a", "b", "c", "d"}), () -> now[0]);
        g.nextPromptChunk(3);
        now[0] += 30 * MS;   // the first chunk's pass
        g.reportPrefill();
        g.nextPromptChunk(3);
        now[0] += 20 * MS;   // the last chunk's pass: still the prompt
        g.reportPrefill();
        g.accept(new float[] {0, 1, 0, 0});
        for (int i = 0; i < 2; i++) {
            now[0] += 10 * MS;   // a decode pass each
            g.accept(new float[] {0, 0, 1, 0});
        }
        Timings t = g.result().timings();
        assertEquals(50.0, t.prefillMs(), 1e-9);
        assertEquals(20.0, t.decodeMs(), 1e-9);
        assertEquals(100.0, t.prefillTps(), 1e-9, "5 prompt tokens in 50 ms");
        assertEquals(100.0, t.decodeTps(), 1e-9, "2 tokens after the first in 20 ms");
    }

    @Test
    void aCallThatEndsBeforeItsPromptRanCountsItsWholeTimeAsPrefill() {
        long[] now = {0};
        GenerationRequest r = GenerationRequest.greedy(new int[] {1, 2}, 3);
        Generation g = new Generation(r, FixedText.noEog(new String[] {"a", "b", "c", "d"}), () -> now[0]);
        g.nextPromptChunk(2);   // handed out, but its pass never reported back (the call was cancelled)
        now[0] += 7 * MS;
        Timings t = g.result().timings();
        assertEquals(7.0, t.prefillMs(), 1e-9);
        assertEquals(0.0, t.decodeMs(), 1e-9);
    }
}
