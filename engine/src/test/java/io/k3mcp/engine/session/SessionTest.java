package io.k3mcp.engine.session;

import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.sampling.SamplerConfig;
import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generation behaviour on llama-mini-f32, whose greedy continuations the golden file gives. */
class SessionTest {
    private static Model model;
    private static Golden.Run run;
    private static String[] tokens;

    @BeforeAll
    static void load() throws IOException {
        Golden g = Golden.load("llama-mini-f32");
        run = g.runs().get(0);
        model = Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE);
        tokens = model.file().metadata().stringArray("tokenizer.ggml.tokens");
    }

    @AfterAll
    static void close() throws IOException {
        model.close();
    }

    private static Session session(Kernels k, TokenText text, int ctx) {
        return new Session(model, k, text, ctx, GgmlType.F16);
    }

    private static GenerationRequest request(int max, List<String> stop, int topLogits, java.util.function.BooleanSupplier cancel,
                                             TokenListener listener) {
        return new GenerationRequest(run.promptIds(), max, SamplerConfig.greedy(), stop, topLogits, cancel, listener);
    }

    @Test
    void contextOverflowIsReportedBeforeAnyWork() {
        AtomicInteger calls = new AtomicInteger();
        Kernels counting = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, m, args) -> {
                    calls.incrementAndGet();
                    try {
                        return m.invoke(ReferenceKernels.INSTANCE, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Session s = session(counting, FixedText.noEog(tokens), 16);
        Session six = session(counting, FixedText.noEog(tokens), 6);
        calls.set(0); // making the session asks the kernels for their packed layout; count only what generate does
        ContextOverflowException e = assertThrows(ContextOverflowException.class,
                () -> s.generate(GenerationRequest.greedy(run.promptIds(), 9)));
        assertTrue(e.getMessage().contains("8 prompt tokens + max_tokens 9 = 17 exceed the context of 16 tokens"), e.getMessage());
        assertEquals(0, calls.get(), "no kernel may run before the overflow is reported");
        assertFalse(e.promptTooLong(), "the prompt fits: max_tokens is what overflows");
        ContextOverflowException prompt = assertThrows(ContextOverflowException.class,
                () -> six.generate(GenerationRequest.greedy(run.promptIds(), 1)));
        assertTrue(prompt.promptTooLong());
        assertTrue(prompt.getMessage().contains("the prompt has 8 tokens, more than the context of 6 tokens"), prompt.getMessage());
        assertThrows(ContextOverflowException.class, () -> s.score(new int[17], 0));
        assertEquals(0, calls.get());
        String past = assertThrows(ContextSizeException.class,
                () -> session(ReferenceKernels.INSTANCE, FixedText.noEog(tokens), 513)).getMessage();
        assertTrue(past.contains("trained context of 512 tokens"), past);
    }

    @Test
    void aLongPromptPrefillsInBatchesReportedToTheListenerWithTheSameTokens() {
        List<String> prefills = new ArrayList<>();
        TokenListener listener = new TokenListener() {
            @Override
            public void onToken(int index, int token, String textDelta) {
            }

            @Override
            public void onPrefill(int done, int total) {
                prefills.add(done + "/" + total);
            }
        };
        Session batched = new Session(model, ReferenceKernels.INSTANCE, FixedText.noEog(tokens), 64, GgmlType.F16, 3);
        int n = run.generatedIds().length;
        GenerationResult r = batched.generate(new GenerationRequest(run.promptIds(), n, SamplerConfig.greedy(), List.of(), 0,
                null, listener));
        assertEquals(List.of("3/8", "6/8", "8/8"), prefills);
        assertArrayEquals(run.generatedIds(), r.tokens());
    }

    @Test
    void badRequestsAreRejectedByName() {
        Session s = session(ReferenceKernels.INSTANCE, FixedText.noEog(tokens), 64);
        assertThrows(IllegalArgumentException.class, () -> GenerationRequest.greedy(new int[0], 4));
        assertThrows(IllegalArgumentException.class, () -> GenerationRequest.greedy(run.promptIds(), 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.generate(GenerationRequest.greedy(new int[] {1, 5000}, 4)));
        assertTrue(e.getMessage().contains("token id 5000 at index 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.score(new int[0], 0));
        assertThrows(IllegalArgumentException.class, () -> s.score(new int[] {-1}, 0));
    }

    @Test
    void endOfGenerationTokenEndsWithEos() {
        int eos = run.generatedIds()[2];
        Session s = session(ReferenceKernels.INSTANCE, new FixedText(tokens, id -> id == eos), 64);
        GenerationResult r = s.generate(GenerationRequest.greedy(run.promptIds(), 20));
        assertEquals(FinishReason.EOS, r.finishReason());
        assertArrayEquals(Arrays.copyOf(run.generatedIds(), 3), r.tokens());
        assertEquals(3, r.completionTokens());
        String expected = new String(FixedText.noEog(tokens).pieceBytes(run.generatedIds()[0]), java.nio.charset.StandardCharsets.UTF_8)
                + new String(FixedText.noEog(tokens).pieceBytes(run.generatedIds()[1]), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(expected, r.text(), "the EOS piece is not part of the text");
    }

    @Test
    void stopStringEndsGenerationAndIsNotReturned() {
        FixedText text = FixedText.noEog(tokens);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            all.append(new String(text.pieceBytes(run.generatedIds()[i]), java.nio.charset.StandardCharsets.UTF_8));
        }
        String piece4 = new String(text.pieceBytes(run.generatedIds()[4]), java.nio.charset.StandardCharsets.UTF_8);
        int at = all.indexOf(piece4);
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = session(ReferenceKernels.INSTANCE, text, 64)
                .generate(request(20, List.of(piece4), 0, null, (i, id, delta) -> streamed.append(delta)));
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(all.substring(0, at), r.text());
        assertEquals(r.text(), streamed.toString());
    }

    @Test
    void streamedDeltasAddUpToTheTextWhenTextWasHeldBack() {
        FixedText text = FixedText.noEog(tokens);
        // a stop string that starts like the last generated piece but never completes: its prefix is held back
        String lastPiece = new String(text.pieceBytes(run.generatedIds()[3]), java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder streamed = new StringBuilder();
        TokenListener listener = new TokenListener() {
            @Override
            public void onToken(int index, int token, String textDelta) {
                streamed.append(textDelta);
            }

            @Override
            public void onEnd(String finalDelta) {
                streamed.append(finalDelta);
            }
        };
        GenerationResult r = session(ReferenceKernels.INSTANCE, text, 64)
                .generate(request(4, List.of(lastPiece + "\u0000never"), 0, null, listener));
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertTrue(r.text().endsWith(lastPiece));
        assertEquals(r.text(), streamed.toString());
    }

    @Test
    void cancellationIsCheckedBetweenTokens() {
        AtomicInteger seen = new AtomicInteger();
        Session s = session(ReferenceKernels.INSTANCE, FixedText.noEog(tokens), 64);
        GenerationResult r = s.generate(request(20, List.of(), 0, () -> seen.get() >= 3, (i, id, d) -> seen.incrementAndGet()));
        assertEquals(FinishReason.CANCELLED, r.finishReason());
        assertArrayEquals(Arrays.copyOf(run.generatedIds(), 3), r.tokens());
        GenerationResult none = s.generate(request(20, List.of(), 0, () -> true, null));
        assertEquals(FinishReason.CANCELLED, none.finishReason());
        assertEquals(0, none.completionTokens());
    }

    @Test
    void topLogitsPerTokenAndListenerCallsMatchTheGolden() {
        List<Integer> ids = new ArrayList<>();
        GenerationResult r = session(ReferenceKernels.INSTANCE, FixedText.noEog(tokens), 64)
                .generate(request(4, List.of(), 5, null, (i, id, d) -> ids.add(id)));
        assertEquals(4, r.topLogits().size());
        for (int s = 0; s < 4; s++) {
            Golden.Step step = run.steps().get(s);
            assertEquals(5, r.topLogits().get(s).size());
            assertEquals(step.token(), r.topLogits().get(s).get(0).id());
            assertEquals(step.topLogits()[0], r.topLogits().get(s).get(0).logit(), 0.065);
            assertEquals(run.generatedIds()[s], ids.get(s));
        }
        assertTrue(r.timings().prefillMs() > 0 && r.timings().decodeMs() > 0 && r.timings().prefillTps() > 0);
    }

    @Test
    void aSharedPrefixIsReusedAndGivesTheSameTokens() {
        Session s = session(ReferenceKernels.INSTANCE, FixedText.noEog(tokens), 64);
        GenerationResult first = s.generate(GenerationRequest.greedy(run.promptIds(), 6));
        GenerationResult again = s.generate(GenerationRequest.greedy(run.promptIds(), 6));
        assertArrayEquals(first.tokens(), again.tokens());
        // the prompt plus the first generated tokens: the cache holds them from the first call
        int[] longer = Arrays.copyOf(run.promptIds(), run.promptIds().length + 3);
        System.arraycopy(first.tokens(), 0, longer, run.promptIds().length, 3);
        GenerationResult cont = s.generate(GenerationRequest.greedy(longer, 3));
        assertArrayEquals(Arrays.copyOfRange(first.tokens(), 3, 6), cont.tokens());
        assertFalse(cont.text().isEmpty());
    }
}
