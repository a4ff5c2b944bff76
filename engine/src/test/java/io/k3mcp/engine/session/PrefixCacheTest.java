package io.k3mcp.engine.session;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.KvSnapshot;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.Transformer;
import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prefix cache: a later call in any slot resumes the longest cached prefix of its prompt
 * ({@code timings.prompt_reused}) and gets the tokens it gets from scratch; a recurrent model resumes only
 * a copy that ends exactly inside the prompt; a shared prefix is stored once; the budget evicts the least
 * recently used.
 */
class PrefixCacheTest {
    private static final long BUDGET = 64L << 20;

    private static Session session(Model m, int parallel, long cacheBytes) {
        String[] tokens = m.file().metadata().stringArray("tokenizer.ggml.tokens");
        return new Session(m, ReferenceKernels.INSTANCE, FixedText.noEog(tokens), 256, GgmlType.F16, parallel, Long.MAX_VALUE, cacheBytes);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aPromptComputedInOneSlotIsResumedInAnotherWithTheSameTokens() throws IOException {
        Golden g = Golden.load("llama-mini-f32");
        int[] p1 = g.runs().get(0).promptIds();
        int[] p2 = g.runs().get(1).promptIds();
        int[] p3 = g.runs().get(2).promptIds();
        try (Model m = Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE)) {
            GenerationResult fresh = session(m, 1, 0).generate(GenerationRequest.greedy(p1, 8));
            assertEquals(0, fresh.timings().promptReused());
            Session s = session(m, 2, BUDGET);
            s.generate(GenerationRequest.greedy(p1, 8));    // slot 0
            s.generate(GenerationRequest.greedy(p2, 8));    // slot 1 (least recently used)
            s.generate(GenerationRequest.greedy(p3, 8));    // slot 0 again: p1's rows live on only in the prefix cache
            GenerationResult again = s.generate(GenerationRequest.greedy(p1, 8));   // slot 1, restored from the cache
            assertEquals(p1.length - 1, again.timings().promptReused(), "an identical prompt prefills only its last token");
            assertArrayEquals(fresh.tokens(), again.tokens());
            // the next turn: the prompt extends the first call's prompt and output
            int[] turn2 = concat(concat(p1, fresh.tokens()), p2);
            GenerationResult next = s.generate(GenerationRequest.greedy(turn2, 6));
            assertEquals(p1.length + fresh.tokens().length - 1, next.timings().promptReused(), "prompt + output minus the unfed last token");
            assertArrayEquals(session(m, 1, 0).generate(GenerationRequest.greedy(turn2, 6)).tokens(), next.tokens());
        }
    }

    @Test
    void aRecurrentModelResumesOnlyACopyEndingExactlyInsideThePrompt() throws IOException {
        Golden g = Golden.load("new-archs/qwen35-mini-f16");
        int[] p1 = g.runs().get(0).promptIds();
        int[] p2 = g.runs().get(1).promptIds();
        try (Model m = Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE)) {
            Session s = session(m, 1, BUDGET);
            GenerationResult first = s.generate(GenerationRequest.greedy(p1, 6));
            s.generate(GenerationRequest.greedy(p2, 6));    // the slot's state moves on; p1's copy stays cached
            GenerationResult same = s.generate(GenerationRequest.greedy(p1, 6));
            assertEquals(0, same.timings().promptReused(), "the copy ends after p1 + 5 tokens, not inside p1: no exact resume");
            assertArrayEquals(first.tokens(), same.tokens());
            s.generate(GenerationRequest.greedy(p2, 6));
            int[] turn2 = concat(p1, first.tokens());
            GenerationResult next = s.generate(GenerationRequest.greedy(turn2, 6));
            assertEquals(p1.length + 5, next.timings().promptReused());
            assertArrayEquals(session(m, 1, 0).generate(GenerationRequest.greedy(turn2, 6)).tokens(), next.tokens());
        }
    }

    @Test
    void aSharedPrefixIsStoredOnceAndTheBudgetEvictsTheLeastRecentlyUsed() throws IOException {
        Golden g = Golden.load("llama-mini-f32");
        int[] p1 = g.runs().get(0).promptIds();
        try (Model m = Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE)) {
            Transformer t = new Transformer(m, ReferenceKernels.INSTANCE);
            KvCache c = new KvCache(m.config(), 64, GgmlType.F16);
            t.forward(c, Arrays.copyOf(p1, 4), false);
            KvSnapshot short4 = KvSnapshot.of(m.config(), c);
            t.forward(c, Arrays.copyOfRange(p1, 4, 8), false);
            KvSnapshot long8 = KvSnapshot.of(m.config(), c);
            KvCache other = new KvCache(m.config(), 64, GgmlType.F16);
            t.forward(other, new int[] {5, 6, 7}, false);
            KvSnapshot unrelated = KvSnapshot.of(m.config(), other);
            PrefixCache cache = new PrefixCache(long8.bytes() + unrelated.bytes() - 1);
            cache.put(short4);
            cache.put(long8);
            assertEquals(1, cache.size(), "the longer copy covers the shorter: one entry");
            cache.put(short4);
            assertEquals(1, cache.size(), "a prefix already covered is not stored again");
            assertEquals(long8.bytes(), cache.bytes());
            assertSame(long8, cache.longest(p1));
            cache.put(unrelated);
            assertEquals(1, cache.size(), "over budget: the least recently used copy goes");
            assertNull(cache.longest(p1));
            assertSame(unrelated, cache.longest(new int[] {5, 6, 7, 8}));
            assertThrows(IllegalArgumentException.class, () -> new PrefixCache(-1));
            // a restore is exactly the original memory: the next token's logits are bit-identical
            KvCache restored = new KvCache(m.config(), 64, GgmlType.F16);
            long8.restoreInto(restored, 6);
            c.truncate(6);
            assertArrayEquals(t.forward(c, new int[] {p1[6]}, false), t.forward(restored, new int[] {p1[6]}, false));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> long8.restoreInto(restored, 9));
            assertTrue(e.getMessage().contains("cannot restore 9 of a 8-token snapshot"), e.getMessage());
        }
    }
}
