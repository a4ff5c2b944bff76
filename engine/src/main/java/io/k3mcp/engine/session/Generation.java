package io.k3mcp.engine.session;

import io.k3mcp.engine.sampling.Logits;
import io.k3mcp.engine.sampling.Sampler;
import io.k3mcp.engine.sampling.TokenLogit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

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
    private final LongSupplier clock;
    private final long started;
    private int historyLength;
    private int generated;
    /** Prompt tokens already in the sequence's memory (reused or prefilled). */
    private int prefilled;
    private int reused;
    /** From the start to the end of the prompt's last forward pass; -1 until then. */
    private long prefillNanos = -1;
    private int drafted;
    private int accepted;
    /**
     * Draft length allowed now: starts short (a wrong first draft costs little), halved after a draft is wholly
     * rejected, doubled after one is wholly kept.
     */
    private int draftLimit = Speculation.FIRST_DRAFT;
    /** Decode steps left without drafting, and the next such pause: rejected drafts back off exponentially. */
    private int pauseLeft;
    private int pause = 1;
    private FinishReason finish;
    /** What ended the call by failing: an unchecked exception or an error, rethrown to its caller. */
    private Throwable failure;
    private float[] row;   // verify's current row of logits (sampling may change it in place)

    Generation(GenerationRequest r, TokenText text) {
        this(r, text, System::nanoTime);
    }

    /** @param clock nanoseconds, for the timings (tests give a fake one) */
    Generation(GenerationRequest r, TokenText text, LongSupplier clock) {
        this.r = r;
        this.text = text;
        this.clock = clock;
        this.started = clock.getAsLong();
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
        return chunk;
    }

    /**
     * Tells the listener how much of the prompt is in the memory, after a step that ran a chunk of it. The
     * prompt's time ends here, after the forward pass of its last chunk (whose logits give the first token).
     */
    void reportPrefill() {
        if (!prefilling()) {
            prefillNanos = clock.getAsLong() - started;
        }
        r.listener().onPrefill(prefilled, r.prompt().length);
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

    void fail(Throwable e) {
        if (!done()) {
            failure = e;
        }
    }

    boolean failed() {
        return failure != null;
    }

    /**
     * Samples the next token from the logits after the last one: top logits, constraint, listener, end of
     * generation, stop strings and max_tokens. Afterwards {@link #done()} says whether the call wants another step.
     */
    void accept(float[] logits) {
        accept(logits, -1);
    }

    /** Up to {@code max} draft tokens to verify after {@link #lastToken()} (prompt lookup), never more than can still be output. */
    int[] draft(int max) {
        if (pauseLeft > 0) {
            pauseLeft--;
            return new int[0];
        }
        return r.speculation().draft(history, historyLength, Math.min(Math.min(max, draftLimit), r.maxTokens() - generated - 1));
    }

    /** Adapts to how drafts fare, so drafts that keep failing cost little: shorter ones, then pauses between them. */
    private void adapt(int draftLength, int kept) {
        if (kept == draftLength) {
            draftLimit = Math.min(Speculation.MAX_DRAFT, draftLimit * 2);
            pause = 1;
        } else if (kept == 0) {
            if (draftLimit == 1) {
                pauseLeft = pause;
                pause = Math.min(64, pause * 2);
            }
            draftLimit = Math.max(1, Math.min(draftLimit, draftLength) / 2);
        }
    }

    /**
     * Verifies a draft: {@code logits} holds a row per input ({@link #lastToken()}, then the draft), each
     * row sampled in turn (a draft token is kept under the speculative-sampling rule; greedy: if it is the
     * argmax) until one differs from the draft or the call is done.
     *
     * @return how many inputs' rows were used: the memory keeps that many of the step's tokens
     */
    int verify(float[] logits, int[] draft, int vocab) {
        drafted += draft.length;
        int kept = 0;
        int used = draft.length + 1;
        for (int i = 0; i <= draft.length; i++) {
            int expected = i < draft.length ? draft[i] : -1;
            // one row at a time through a kept array: a new one per row is a humongous object on fresh pages
            if (row == null || row.length != vocab) {
                row = new float[vocab];
            }
            System.arraycopy(logits, i * vocab, row, 0, vocab);
            int id = accept(row, expected);
            if (id == expected) {
                kept++;
            }
            if (done() || id != expected) {
                used = i + 1;
                break;
            }
        }
        accepted += kept;
        adapt(draft.length, kept);
        return used;
    }

    private int accept(float[] logits, int draft) {
        if (r.topLogits() > 0) {
            tops.add(Logits.top(logits, 0, logits.length, r.topLogits()));
        }
        if (r.constraint() != null) {
            r.constraint().restrict(logits, r.maxTokens() - generated);
        }
        int id = draft < 0 ? sampler.sample(logits, history, historyLength) : sampler.sampleDraft(logits, history, historyLength, draft);
        if (r.constraint() != null) {
            r.constraint().accept(id);
        }
        history[historyLength++] = id;
        generated++;
        if (text.isEog(id)) {
            finish = FinishReason.EOS;
            r.listener().onToken(generated - 1, id, "");
            return id;
        }
        r.listener().onToken(generated - 1, id, assembler.add(text.pieceBytes(id)));
        if (assembler.stopped()) {
            finish = FinishReason.STOP;
        } else if (generated == r.maxTokens()) {
            finish = FinishReason.LENGTH;
        }
        return id;
    }

    int reused() {
        return reused;
    }

    /** The call's result, or its failure rethrown (in the calling thread). */
    GenerationResult result() {
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw failure instanceof RuntimeException e ? e : new IllegalStateException(failure);
        }
        r.listener().onEnd(assembler.finish());
        long total = clock.getAsLong() - started;
        long prefill = prefillNanos < 0 ? total : prefillNanos;
        int[] prompt = r.prompt();
        int[] tokens = Arrays.copyOfRange(history, prompt.length, historyLength);
        Timings timings = Timings.of(prefill, prompt.length - reused, total - prefill, Math.max(0, generated - 1), reused,
                drafted, accepted);
        return new GenerationResult(assembler.text(), tokens, prompt.length, generated, finish, timings, tops);
    }
}
