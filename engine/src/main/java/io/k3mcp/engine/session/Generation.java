package io.k3mcp.engine.session;

import io.k3mcp.engine.sampling.Logits;
import io.k3mcp.engine.sampling.Sampler;
import io.k3mcp.engine.sampling.TokenLogit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One call's decoding state, fed one step's logits at a time by the {@link BatchScheduler}: its own
 * sampler, constraint, stop strings and listener, the tokens so far, and how it ended. The same object
 * serves a call alone and a call in a batch, so both decide every token the same way.
 */
final class Generation {
    private final GenerationRequest r;
    private final TokenText text;
    private final Sampler sampler;
    private final TextAssembler assembler;
    private final int[] history;
    private final List<List<TokenLogit>> tops = new ArrayList<>();
    private final long started = System.nanoTime();
    private int historyLength;
    private int generated;
    /** Prompt tokens already in the sequence's memory (reused or prefilled). */
    private int prefilled;
    private int reused;
    private long prefillNanos;
    private FinishReason finish;
    private RuntimeException failure;

    Generation(GenerationRequest r, TokenText text) {
        this.r = r;
        this.text = text;
        this.sampler = new Sampler(r.sampler());
        this.assembler = new TextAssembler(r.stop());
        this.history = Arrays.copyOf(r.prompt(), r.prompt().length + r.maxTokens());
        this.historyLength = r.prompt().length;
    }

    GenerationRequest request() {
        return r;
    }

    /** The first {@code n} prompt tokens were already in the memory (a cached prefix). */
    void reuse(int n) {
        reused = n;
        prefilled = n;
    }

    boolean prefilling() {
        return prefilled < r.prompt().length;
    }

    /** The next {@code max} prompt tokens not yet in the memory; they count as prefilled once the step has run. */
    int[] nextPromptChunk(int max) {
        int n = Math.min(max, r.prompt().length - prefilled);
        int[] chunk = Arrays.copyOfRange(r.prompt(), prefilled, prefilled + n);
        prefilled += n;
        if (!prefilling()) {
            prefillNanos = System.nanoTime() - started;
        }
        return chunk;
    }

    /** The token to run next while decoding: the last one sampled. */
    int lastToken() {
        return history[historyLength - 1];
    }

    boolean done() {
        return finish != null || failure != null;
    }

    /** Polled before every step: a cancelled call ends without running (or sampling) anything more. */
    boolean cancelledNow() {
        if (!done() && r.cancelled().getAsBoolean()) {
            finish = FinishReason.CANCELLED;
        }
        return finish == FinishReason.CANCELLED;
    }

    void fail(RuntimeException e) {
        if (!done()) {
            failure = e;
        }
    }

    /**
     * Samples the next token from the logits after the last one: top logits, constraint, listener, end of
     * generation, stop strings and max_tokens. Afterwards {@link #done()} says whether the call wants another step.
     */
    void accept(float[] logits) {
        if (r.topLogits() > 0) {
            tops.add(Logits.top(logits, 0, logits.length, r.topLogits()));
        }
        if (r.constraint() != null) {
            r.constraint().restrict(logits, r.maxTokens() - generated);
        }
        int id = sampler.sample(logits, history, historyLength);
        if (r.constraint() != null) {
            r.constraint().accept(id);
        }
        history[historyLength++] = id;
        generated++;
        if (text.isEog(id)) {
            finish = FinishReason.EOS;
            r.listener().onToken(generated - 1, id, "");
            return;
        }
        r.listener().onToken(generated - 1, id, assembler.add(text.pieceBytes(id)));
        if (assembler.stopped()) {
            finish = FinishReason.STOP;
        } else if (generated == r.maxTokens()) {
            finish = FinishReason.LENGTH;
        }
    }

    int reused() {
        return reused;
    }

    /** The call's result, or its failure rethrown (in the calling thread). */
    GenerationResult result() {
        if (failure != null) {
            throw failure;
        }
        r.listener().onEnd(assembler.finish());
        long total = System.nanoTime() - started;
        long prefill = prefilling() ? total : prefillNanos;
        int[] prompt = r.prompt();
        int[] tokens = Arrays.copyOfRange(history, prompt.length, historyLength);
        Timings timings = Timings.of(prefill, prompt.length - reused, total - prefill, Math.max(0, generated - 1), reused);
        return new GenerationResult(assembler.text(), tokens, prompt.length, generated, finish, timings, tops);
    }
}
