package io.k3mcp.engine.session;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.ModelConfig;
import io.k3mcp.engine.model.Transformer;
import io.k3mcp.engine.sampling.Logits;
import io.k3mcp.engine.sampling.TokenLogit;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Generation and scoring over one model: {@code parallel} sequence slots, each with its own KV cache,
 * served by continuous batching ({@link BatchScheduler}). A slot's cache keeps the tokens of its last
 * call, so a prompt that starts with them only runs its new suffix.
 */
public final class Session {
    private static final Logger log = LoggerFactory.getLogger(Session.class);
    /** Most sequence slots a session takes. */
    public static final int MAX_PARALLEL = BatchScheduler.MAX_PARALLEL;
    /** Positions scored per forward pass. */
    private static final int SCORE_CHUNK = 64;

    private final ModelConfig config;
    private final Transformer transformer;
    private final TokenText text;
    private final BatchScheduler scheduler;
    private final int context;

    /**
     * @param contextLength tokens the KV cache holds (prompt + generated); 0 = the default of {@link ContextSize}
     *                      (the trained context, capped by the free memory)
     * @param kvType        F16 (llama.cpp's default), Q8_0, Q4_0 or F32 ({@link KvType})
     * @throws ContextSizeException when the context is past the trained context or the free memory
     * @throws KvTypeException when the cache type cannot hold this model's heads
     */
    public Session(Model model, Kernels kernels, TokenText text, int contextLength, GgmlType kvType) {
        this(model, kernels, text, contextLength, kvType, 1, Long.MAX_VALUE, 0);
    }

    /**
     * @param parallel         sequence slots: calls that run at once, sharing every forward pass
     * @param availableBytes   memory the slots' KV caches may take; {@code parallel} caches that do not fit are refused
     * @param prefixCacheBytes memory for copies of recent calls' KV rows, resumed by later calls in any slot (0: none)
     */
    public Session(Model model, Kernels kernels, TokenText text, int contextLength, GgmlType kvType, int parallel,
                   long availableBytes, long prefixCacheBytes) {
        this(model, kernels, text, contextLength, kvType, parallel, availableBytes, prefixCacheBytes, Transformer.MAX_BATCH);
    }

    /** @param prefillBatch tokens per prefill batch (each reported to the listener) */
    Session(Model model, Kernels kernels, TokenText text, int contextLength, GgmlType kvType, int prefillBatch) {
        this(model, kernels, text, contextLength, kvType, 1, Long.MAX_VALUE, 0, prefillBatch);
    }

    private Session(Model model, Kernels kernels, TokenText text, int contextLength, GgmlType kvType, int parallel,
                    long availableBytes, long prefixCacheBytes, int prefillBatch) {
        this.config = model.config();
        KvType.check(config, kvType);
        BatchScheduler.checkParallel(parallel);
        // each slot has a direct-buffer cache of the full context: the default is sized for its share of that memory,
        // the figure availableBytes' check uses too, so a default context always leaves the slots fitting
        ContextSize ctx = ContextSize.choose(config, contextLength, kvType, SystemMemory.available() / parallel);
        log.info("context tokens={} reason=\"{}\" kv_type={} kv_bytes_full={} parallel={}", ctx.tokens(), ctx.reason(),
                kvType.name(), ctx.cacheBytes(), parallel);
        this.transformer = new Transformer(model, kernels, prefillBatch);
        this.text = text;
        this.scheduler = new BatchScheduler(transformer, ctx.tokens(), kvType, parallel, availableBytes, prefixCacheBytes);
        // every slot's cache has the same shape: the first one's limit is the session's (a sliding ring exceeds ctx)
        this.context = scheduler.positionLimit();
    }

    public int contextLength() {
        return context;
    }

    /** Sequence slots: how many calls share the forward passes at once. */
    public int parallel() {
        return scheduler.parallel();
    }

    /** Bytes the slots' memories take at this session's context: KV rows, and a hybrid's recurrent state (a slot's is made on first use). */
    public long kvCacheBytes() {
        return scheduler.bytes();
    }

    /** The most calls one forward pass has served so far. */
    int peakSequencesPerStep() {
        return scheduler.peakSequences();
    }

    /**
     * Runs one call to its end. Safe from several threads: up to {@link #parallel()} calls run together,
     * each step of each one in the same forward pass; more wait for a free slot.
     */
    public GenerationResult generate(GenerationRequest r) {
        int[] prompt = r.prompt();
        if (prompt.length > context) {
            throw new ContextOverflowException(true, "the prompt has " + prompt.length + " tokens, more than the context of "
                    + context + " tokens; shorten it or start the session with a larger context");
        }
        if (prompt.length + r.maxTokens() > context) {
            throw new ContextOverflowException(false, "context overflow: " + prompt.length + " prompt tokens + max_tokens "
                    + r.maxTokens() + " = " + (prompt.length + r.maxTokens()) + " exceed the context of "
                    + context + " tokens; shorten the prompt or lower max_tokens");
        }
        checkIds(prompt);
        GenerationResult result = scheduler.generate(r, text);
        Timings timings = result.timings();
        log.info("generated prompt_tokens={} reused={} completion_tokens={} finish={} prefill_ms={} decode_ms={}",
                prompt.length, timings.promptReused(), result.completionTokens(), result.finishReason().wire(), Math.round(timings.prefillMs()),
                Math.round(timings.decodeMs()));
        return result;
    }

    /**
     * Teacher-forced logits at every position in one batched pass: the log-probability of each next
     * token, the top {@code topLogits} raw logits, and the perplexity.
     */
    public ScoreResult score(int[] tokens, int topLogits) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("nothing to score: the token sequence is empty");
        }
        if (tokens.length > context) {
            throw new ContextOverflowException(true, "context overflow: " + tokens.length + " tokens exceed the context of "
                    + context + " tokens");
        }
        if (topLogits < 0) {
            throw new IllegalArgumentException("top_logits must be >= 0, got " + topLogits);
        }
        checkIds(tokens);
        return scheduler.exclusive(cache -> score(cache, tokens, topLogits));
    }

    private ScoreResult score(KvCache cache, int[] tokens, int topLogits) {
        int v = config.nVocab();
        List<ScoreResult.Position> positions = new ArrayList<>(tokens.length);
        double nll = 0;
        // in chunks, so only SCORE_CHUNK x nVocab logits exist at a time (chunking does not change the numbers)
        for (int from = 0; from < tokens.length; from += SCORE_CHUNK) {
            int n = Math.min(SCORE_CHUNK, tokens.length - from);
            float[] logits = transformer.forward(cache, Arrays.copyOfRange(tokens, from, from + n), true);
            for (int j = 0; j < n; j++) {
                int i = from + j;
                List<TokenLogit> top = topLogits > 0 ? Logits.top(logits, j * v, v, topLogits) : List.of();
                if (i + 1 < tokens.length) {
                    double lp = logits[j * v + tokens[i + 1]] - Logits.logSumExp(logits, j * v, v);
                    nll -= lp;
                    positions.add(new ScoreResult.Position(tokens[i + 1], lp, top));
                } else {
                    positions.add(new ScoreResult.Position(null, null, top));
                }
            }
        }
        Double ppl = tokens.length > 1 ? Math.exp(nll / (tokens.length - 1)) : null;
        return new ScoreResult(tokens.clone(), positions, ppl);
    }

    private void checkIds(int[] ids) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= config.nVocab()) {
                throw new IllegalArgumentException("token id " + ids[i] + " at index " + i
                        + " is outside the vocabulary 0.." + (config.nVocab() - 1));
            }
        }
    }
}
