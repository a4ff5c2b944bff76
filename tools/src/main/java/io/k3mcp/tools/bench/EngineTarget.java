package io.k3mcp.tools.bench;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.SequenceStep;
import io.k3mcp.engine.model.Transformer;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;

import java.util.List;

/**
 * The engine's transformer over one set of kernels, with a KV cache of the type asked for (llama-bench's
 * type_k/type_v, F16 by default) and the context the runner asks for (past the trained context too, as
 * llama-bench's n_ctx).
 */
final class EngineTarget implements BenchTarget {
    private final Transformer transformer;
    private final KvCache cache;
    private final int vocab;
    private final int bos;

    EngineTarget(Model model, Kernels kernels, Tokenizer tokenizer, int contextTokens, GgmlType kvType) {
        this.transformer = new Transformer(model, kernels);
        this.cache = new KvCache(model.config(), Math.max(1, contextTokens), kvType);
        this.vocab = model.config().nVocab();
        this.bos = tokenizer == null ? -1 : tokenizer.bos();
    }

    /** Bytes of the KV cache for this target's context (per-layer geometry: sliding windows, shared-KV layers). */
    long kvCacheBytes() {
        return cache.bytes();
    }

    /** Positions the KV cache holds. */
    int contextTokens() {
        return cache.capacity();
    }

    @Override
    public void reset() {
        cache.clear();
    }

    @Override
    public boolean rewind(int[] tokens) {
        if (cache.length() < tokens.length || cache.reusablePrefix(tokens) != tokens.length) {
            return false;
        }
        cache.truncate(tokens.length);
        return true;
    }

    @Override
    public void checkpoint() {
        cache.checkpoint(); // a copy of the recurrent state, where the model has one
    }

    @Override
    public void prefill(int[] tokens) {
        transformer.forward(cache, tokens, false);
    }

    @Override
    public int decode(int token) {
        float[] logits = logits(token);
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** One single-token decode's logits (tests compare them where greedy tokens could hide a difference). */
    float[] logits(int token) {
        return transformer.forwardReused(List.of(new SequenceStep(cache, new int[] {token}, false)))[0];
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int bos() {
        return bos;
    }

    @Override
    public void close() {
        cache.clear();
    }
}
