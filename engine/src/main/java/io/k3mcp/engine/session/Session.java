package io.k3mcp.engine.session;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.ModelConfig;
import io.k3mcp.engine.model.Transformer;
import io.k3mcp.engine.sampling.Logits;
import io.k3mcp.engine.sampling.Sampler;
import io.k3mcp.engine.sampling.TokenLogit;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Generation and scoring over one model with one KV cache. The cache keeps the tokens of the last
 * call, so a prompt that starts with them only runs its new suffix. One call at a time:
 * the methods are synchronized.
 */
public final class Session {
    private static final Logger log = LoggerFactory.getLogger(Session.class);
    /** Positions scored per forward pass. */
    private static final int SCORE_CHUNK = 64;

    private final ModelConfig config;
    private final Transformer transformer;
    private final TokenText text;
    private final KvCache cache;

    /**
     * @param contextLength tokens the KV cache holds (prompt + generated); 0 = the default of {@link ContextSize}
     *                      (the trained context, capped by the free memory)
     * @param kvType        F16 (llama.cpp's default), Q8_0, Q4_0 or F32 ({@link KvType})
     * @throws ContextSizeException when the context is past the trained context or the free memory
     * @throws KvTypeException when the cache type cannot hold this model's heads
     */
    public Session(Model model, Kernels kernels, TokenText text, int contextLength, GgmlType kvType) {
        this(model, kernels, text, contextLength, kvType, Transformer.MAX_BATCH);
    }

    /** @param prefillBatch tokens per prefill batch (each reported to the listener) */
    Session(Model model, Kernels kernels, TokenText text, int contextLength, GgmlType kvType, int prefillBatch) {
        this.config = model.config();
        KvType.check(config, kvType);
        ContextSize ctx = ContextSize.choose(config, contextLength, kvType, FreeMemory.available());
        log.info("context tokens={} reason=\"{}\" kv_type={} kv_bytes_full={}", ctx.tokens(), ctx.reason(), kvType.name(),
                ctx.cacheBytes());
        this.transformer = new Transformer(model, kernels, prefillBatch);
        this.text = text;
        this.cache = new KvCache(config, ctx.tokens(), kvType);
    }

    public int contextLength() {
        return cache.positionLimit();
    }

    /** Bytes the KV cache holds for this session's context. */
    public long kvCacheBytes() {
        return cache.bytes();
    }

    public synchronized GenerationResult generate(GenerationRequest r) {
        int[] prompt = r.prompt();
        if (prompt.length > cache.positionLimit()) {
            throw new ContextOverflowException(true, "the prompt has " + prompt.length + " tokens, more than the context of "
                    + cache.positionLimit() + " tokens; shorten it or start the session with a larger context");
        }
        if (prompt.length + r.maxTokens() > cache.positionLimit()) {
            throw new ContextOverflowException(false, "context overflow: " + prompt.length + " prompt tokens + max_tokens "
                    + r.maxTokens() + " = " + (prompt.length + r.maxTokens()) + " exceed the context of "
                    + cache.positionLimit() + " tokens; shorten the prompt or lower max_tokens");
        }
        checkIds(prompt);
        Sampler sampler = new Sampler(r.sampler());
        TextAssembler assembler = new TextAssembler(r.stop());
        int[] history = Arrays.copyOf(prompt, prompt.length + r.maxTokens());
        int historyLength = prompt.length;
        List<List<TokenLogit>> tops = new ArrayList<>();
        FinishReason finish = FinishReason.LENGTH;

        long t0 = System.nanoTime();
        int reused = reusePrefix(prompt);
        float[] logits = prefill(prompt, reused, r);
        if (logits != null) {
            cache.checkpoint();   // a recurrent state resumes only from a copy: the end of this prompt...
        }
        long prefillNanos = System.nanoTime() - t0;
        long t1 = System.nanoTime();
        int generated = 0;
        if (logits == null) {
            finish = FinishReason.CANCELLED;
        }
        while (logits != null && generated < r.maxTokens()) {
            if (r.cancelled().getAsBoolean()) {
                finish = FinishReason.CANCELLED;
                break;
            }
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
                break;
            }
            r.listener().onToken(generated - 1, id, assembler.add(text.pieceBytes(id)));
            if (assembler.stopped()) {
                finish = FinishReason.STOP;
                break;
            }
            if (generated < r.maxTokens()) {
                logits = transformer.forward(cache, new int[] {id}, false);
            }
        }
        cache.checkpoint();       // ...and the end of this output, where the next turn's prompt usually starts
        r.listener().onEnd(assembler.finish());
        long decodeNanos = System.nanoTime() - t1;
        int[] tokens = Arrays.copyOfRange(history, prompt.length, historyLength);
        Timings timings = Timings.of(prefillNanos, prompt.length - reused, decodeNanos, Math.max(0, generated - 1));
        log.info("generated prompt_tokens={} reused={} completion_tokens={} finish={} prefill_ms={} decode_ms={}",
                prompt.length, reused, generated, finish.wire(), Math.round(timings.prefillMs()), Math.round(timings.decodeMs()));
        return new GenerationResult(assembler.text(), tokens, prompt.length, generated, finish, timings, tops);
    }

    /**
     * Teacher-forced logits at every position in one batched pass: the log-probability of each next
     * token, the top {@code topLogits} raw logits, and the perplexity.
     */
    public synchronized ScoreResult score(int[] tokens, int topLogits) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("nothing to score: the token sequence is empty");
        }
        if (tokens.length > cache.positionLimit()) {
            throw new ContextOverflowException(true, "context overflow: " + tokens.length + " tokens exceed the context of "
                    + cache.positionLimit() + " tokens");
        }
        if (topLogits < 0) {
            throw new IllegalArgumentException("top_logits must be >= 0, got " + topLogits);
        }
        checkIds(tokens);
        cache.clear();
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

    /**
     * Runs the prompt from {@code from} in batches, checking cancellation between them and telling the
     * listener after each; null when cancelled.
     */
    private float[] prefill(int[] prompt, int from, GenerationRequest r) {
        float[] logits = null;
        int batch = transformer.maxBatch();
        for (int i = from; i < prompt.length; i += batch) {
            if (r.cancelled().getAsBoolean()) {
                return null;
            }
            int end = Math.min(prompt.length, i + batch);
            logits = transformer.forward(cache, Arrays.copyOfRange(prompt, i, end), false);
            r.listener().onPrefill(end, prompt.length);
        }
        return logits;
    }

    /** Keeps the cache's longest exactly resumable prefix of the prompt (at least one token is always run). */
    private int reusePrefix(int[] prompt) {
        int keep = cache.reusablePrefix(Arrays.copyOf(prompt, prompt.length - 1));
        cache.truncate(keep);
        return keep;
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
