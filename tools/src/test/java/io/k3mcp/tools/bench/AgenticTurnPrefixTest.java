package io.k3mcp.tools.bench;

import io.k3mcp.engine.sampling.SamplerConfig;
import io.k3mcp.engine.session.GenerationRequest;
import io.k3mcp.engine.session.GenerationResult;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.engine.session.Session;
import io.k3mcp.engine.session.TokenListener;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 17's prefix target on the agentic turn (agentic-turn.txt, 801 tokens under llama-2-tiny-random's Llama-2
 * tokenizer): on a warm session (the registry's, as `serve` holds it: 4 slots, a prefix cache) a second identical turn
 * prefills none of the repeated part, only the last prompt token whose logits give the first output token;
 * the next turn (prompt + answer + a new message) prefills only the new message, also while other agents
 * decode in the other slots; the tokens are those of a cold session.
 */
class AgenticTurnPrefixTest {
    private static final Path MODEL = Path.of(System.getProperty("k3mcp.shared", "../../shared"), "models", "llama-2-tiny-random.gguf");
    private static final long CACHE_RAM = 256L << 20;

    /** Records the prompt positions each prefill report says are in memory. */
    private static final class PrefillLog implements TokenListener {
        final List<Integer> reports = new ArrayList<>();

        @Override
        public void onPrefill(int done, int total) {
            reports.add(done);
        }

        @Override
        public void onToken(int index, int id, String text) {
            // only the prefill reports matter here
        }
    }

    private static GenerationRequest greedy(int[] prompt, int n, TokenListener listener) {
        return new GenerationRequest(prompt, n, SamplerConfig.greedy(), List.of(), 0, null, listener);
    }

    @Test
    void aRepeatedTurnPrefillsOnlyItsNewSuffix() throws IOException {
        try (ModelRegistry warm = new ModelRegistry(ReferenceKernels.INSTANCE, 2048, 4, CACHE_RAM);
             ModelRegistry cold = new ModelRegistry(ReferenceKernels.INSTANCE, 2048, 1, 0)) {
            ModelRegistry.Loaded loaded = warm.get(MODEL);
            int[] turn = TurnBenchmark.promptIds(loaded.tokenizer(), loaded.model().config().nVocab());
            Session s = loaded.session();
            GenerationResult first = s.generate(GenerationRequest.greedy(turn, 8));
            assertEquals(0, first.timings().promptReused());

            PrefillLog again = new PrefillLog();
            GenerationResult second = s.generate(greedy(turn, 8, again));
            assertEquals(turn.length - 1, second.timings().promptReused(), "the repeated prompt is not prefilled again");
            assertEquals(List.of(turn.length), again.reports, "one step ran, with only the last prompt token");
            assertArrayEquals(first.tokens(), second.tokens());

            // the next turn, while two other agents decode in other slots: only the new message is prefilled
            int[] message = Arrays.copyOfRange(turn, 100, 140);
            int[] next = concat(concat(turn, second.tokens()), message);
            int[][] others = {Arrays.copyOfRange(turn, 200, 260), Arrays.copyOfRange(turn, 300, 330)};
            List<CompletableFuture<GenerationResult>> running = new ArrayList<>();
            for (int[] other : others) {
                running.add(CompletableFuture.supplyAsync(() -> s.generate(GenerationRequest.greedy(other, 24))));
            }
            PrefillLog nextLog = new PrefillLog();
            GenerationResult third = s.generate(greedy(next, 8, nextLog));
            running.forEach(CompletableFuture::join);
            int resumed = turn.length + second.tokens().length - 1;   // the answer's last token was sampled, never run
            assertEquals(resumed, third.timings().promptReused());
            assertEquals(List.of(next.length), nextLog.reports,
                    "one prefill step: the new message and the answer's last token, after the resumed prefix");
            assertArrayEquals(cold.get(MODEL).session().generate(GenerationRequest.greedy(next, 8)).tokens(), third.tokens());
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
