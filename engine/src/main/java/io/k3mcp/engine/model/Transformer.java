package io.k3mcp.engine.model;

import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.Kernels;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The forward pass: one straight-line block for every architecture, parameterised by
 * {@link ModelConfig} and the optional tensors of {@link LayerWeights}. All arithmetic goes through
 * {@link Kernels}. A prompt runs as one batch (in chunks of {@link #MAX_BATCH}); a decode step is a
 * batch of one; several sequences share one batch through {@link #forward(List)}. Not thread-safe: one session drives one transformer at a time.
 */
public final class Transformer {
    /** Tokens per forward batch (llama.cpp's default n_ubatch). */
    public static final int MAX_BATCH = 512;

    private final ModelConfig c;
    private final ModelWeights w;
    private final Kernels kernels;
    private final int maxBatch;
    /** Tokens whose logits are computed at once (bounds the output buffer: LOGIT_ROWS x nVocab floats). */
    private static final int LOGIT_ROWS = 32;

    private final AttentionBlock attention;
    private final FeedForwardBlock feedForward;
    private final PerLayerEmbedding perLayer;
    private final MoeBlock moe;
    private final Gemma4FeedForward denseAndExperts;
    private final DeltaNetBlock deltaNet;

    private ForwardBuffers buf;
    private FloatBuffer logitRows;
    private final ReusedLogits reused = new ReusedLogits();

    public Transformer(Model model, Kernels kernels) {
        this(model, kernels, MAX_BATCH);
    }

    /** @param maxBatch most tokens per forward batch; longer inputs run in several batches */
    public Transformer(Model model, Kernels kernels, int maxBatch) {
        if (maxBatch < 1 || maxBatch > MAX_BATCH) {
            // sliding layers' memory holds the window plus one batch of at most MAX_BATCH tokens
            throw new IllegalArgumentException("maxBatch must be 1.." + MAX_BATCH + ", got " + maxBatch);
        }
        this.c = model.config();
        this.w = model.weightsFor(kernels);
        this.kernels = kernels;
        this.maxBatch = maxBatch;
        this.attention = new AttentionBlock(c, kernels, w.ropeFreqs());
        this.feedForward = new FeedForwardBlock(c, kernels);
        this.perLayer = w.perLayer() == null ? null : new PerLayerEmbedding(c, kernels);
        this.moe = c.experts() == null ? null : new MoeBlock(c, kernels);
        this.denseAndExperts = moe == null ? null : new Gemma4FeedForward(c, kernels, feedForward, moe);
        this.deltaNet = c.deltaNet() == null ? null : new DeltaNetBlock(c, kernels);
    }

    public int maxBatch() {
        return maxBatch;
    }

    public ModelConfig config() {
        return c;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** The weights this transformer multiplies (with packed copies where its kernels have a layout). */
    public ModelWeights weights() {
        return w;
    }

    /**
     * Runs {@code tokens} at positions {@code cache.length()...} and appends them to the cache.
     *
     * @return the logits of the last token ({@code nVocab}), or with {@code allLogits} those of every
     *         token ({@code tokens.length * nVocab}, token-major)
     */
    public float[] forward(KvCache cache, int[] tokens, boolean allLogits) {
        checkTokens(cache, tokens);
        float[] logits = new float[(allLogits ? tokens.length : 1) * c.nVocab()];
        for (int from = 0; from < tokens.length; from += maxBatch) {
            int n = Math.min(maxBatch, tokens.length - from);
            run(List.of(new Segment(cache, cache.length(), 0, n)), Arrays.copyOfRange(tokens, from, from + n));
            if (allLogits) {
                outputLogits(0, n, logits, from * c.nVocab());
            } else if (from + n == tokens.length) {
                outputLogits(n - 1, 1, logits, 0);
            }
        }
        return logits;
    }

    /**
     * Runs a batch of sequences in one forward pass (docs/ENGINE.md "A batch of sequences"): the matmuls
     * see one token matrix, attention and the recurrent layers run per sequence over its own memory. The
     * numbers of each sequence are those it would get alone.
     *
     * @return per step, in order, the logits of its last token or (allLogits) of every token
     */
    public float[][] forward(List<SequenceStep> steps) {
        return forward(steps, false);
    }

    /**
     * {@link #forward(List)}, the logits in arrays this transformer keeps and overwrites at its next call of this
     * method: for the decode loops, which use a step's logits at once. A new array per step (151936 floats for a
     * Qwen3 vocabulary) is a G1 humongous object that takes never-touched pages every token, and the kernel
     * zeroing them cost the 6-layer qwen3-30b-a3b decode about a tenth of its speed (docs/BENCHMARKS.md).
     */
    public float[][] forwardReused(List<SequenceStep> steps) {
        return forward(steps, true);
    }

    private float[][] forward(List<SequenceStep> steps, boolean reuse) {
        List<Segment> segments = SequenceBatch.segments(steps, maxBatch);
        int total = 0;
        for (SequenceStep s : steps) {
            checkTokens(s.cache(), s.tokens());
            total += s.tokens().length;
        }
        int[] ids = new int[total];
        for (int i = 0; i < steps.size(); i++) {
            int[] t = steps.get(i).tokens();
            System.arraycopy(t, 0, ids, segments.get(i).offset(), t.length);
        }
        run(segments, ids);
        // the LM head runs once over every wanted row (not once per sequence): its weights are read once per step
        int e = c.nEmbd();
        int rows = 0;
        int[] first = new int[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            Segment g = segments.get(i);
            boolean all = steps.get(i).allLogits();
            int from = all ? g.offset() : g.offset() + g.n() - 1;
            int count = all ? g.n() : 1;
            first[i] = rows;
            if (from != rows) {
                // rows move only towards the front, whole rows at a time: a row is never overwritten before it is read
                buf.x.put(rows * e, buf.x, from * e, count * e);
            }
            rows += count;
        }
        int v = c.nVocab();
        float[][] out = new float[steps.size()][];
        float[][] rowArray = new float[rows][];
        int[] rowAt = new int[rows];
        for (int i = 0; i < steps.size(); i++) {
            int end = i + 1 < steps.size() ? first[i + 1] : rows;
            out[i] = reuse ? reused.array(i, (end - first[i]) * v) : new float[(end - first[i]) * v];
            for (int r = first[i]; r < end; r++) {
                rowArray[r] = out[i];
                rowAt[r] = (r - first[i]) * v;
            }
        }
        outputLogits(0, rows, rowArray, rowAt);
        return out;
    }

    /**
     * Runs {@code tokens} like {@link #forward} but returns, instead of logits, every token's final hidden
     * state after the output norm ({@code tokens.length * nEmbd}, token-major): what embedding models pool.
     */
    public float[] hiddenStates(KvCache cache, int[] tokens) {
        checkTokens(cache, tokens);
        int e = c.nEmbd();
        float[] out = new float[tokens.length * e];
        for (int from = 0; from < tokens.length; from += maxBatch) {
            int n = Math.min(maxBatch, tokens.length - from);
            run(List.of(new Segment(cache, cache.length(), 0, n)), Arrays.copyOfRange(tokens, from, from + n));
            FloatBuffer normed = Buffers.slice(buf.xb, 0, n * e);
            kernels.rmsNorm(Buffers.slice(buf.x, 0, n * e), w.outputNorm(), normed, e, n, c.normEps());
            normed.get(0, out, from * e, n * e);
        }
        return out;
    }

    /** Embeds the batch's ids (the segments' tokens, in row order), runs every layer and commits each segment's tokens. */
    private void run(List<Segment> segments, int[] ids) {
        ensureBuffers(ids.length);
        embed(ids, 0, ids.length);
        for (int il = 0; il < c.nLayer(); il++) {
            layer(il, w.layers().get(il), segments, ids.length);
        }
        for (Segment g : segments) {
            g.cache().commit(ids, g.offset(), g.n());
        }
    }

    private void checkTokens(KvCache cache, int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("forward needs at least one token");
        }
        if (tokens.length > cache.remaining()) {
            throw new IllegalArgumentException("context overflow: " + tokens.length + " tokens do not fit the "
                    + cache.remaining() + " free positions of a " + cache.positionLimit() + "-token context");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.nVocab()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at index " + i + " is outside the vocabulary 0.." + (c.nVocab() - 1));
            }
        }
    }

    private void ensureBuffers(int n) {
        if (buf == null || buf.tokens < n) {
            buf = new ForwardBuffers(c, n);
        }
    }

    private void embed(int[] tokens, int from, int n) {
        Matrix e = w.tokenEmbedding();
        int dim = c.nEmbd();
        for (int t = 0; t < n; t++) {
            kernels.dequantize(e.type(), Buffers.slice(e.data(), (long) tokens[from + t] * e.rowBytes(), e.rowBytes()),
                    Buffers.slice(buf.x, t * dim, dim), dim);
        }
        if (c.embedScale() != 1f) {
            kernels.scale(buf.x, c.embedScale(), n * dim);
        }
        if (perLayer != null) {
            perLayer.inputs(buf, w.perLayer(), tokens, from, n);
        }
    }

    private void layer(int il, LayerWeights lw, List<Segment> segments, int n) {
        int e = c.nEmbd();
        kernels.rmsNorm(buf.x, lw.attnNorm(), buf.xb, e, n, c.normEps());
        if (lw.deltaNet() != null) {
            deltaNet.run(buf, il, lw.deltaNet(), segments, n);
        } else {
            attention.run(buf, il, lw, segments, n);
        }
        residual(lw.postAttnNorm(), n);

        kernels.rmsNorm(buf.x, lw.ffnNorm(), buf.xb, e, n, c.normEps());
        if (lw.moe() != null && lw.w1() != null) {
            denseAndExperts.run(buf, lw, n);
        } else if (lw.moe() != null) {
            moe.run(buf, lw.moe(), n);
        } else {
            feedForward.run(buf, lw, n);
        }
        residual(lw.postFfnNorm(), n);

        if (lw.perLayerInput() != null) {
            perLayer.apply(buf, lw.perLayerInput(), il, n);
        }
        if (lw.outputScale() != 1f) {
            kernels.scale(buf.x, lw.outputScale(), n * e);
        }
    }

    /** x += proj, through the sub-block's post-norm when the model has one (gemma3). */
    private void residual(FloatBuffer postNorm, int n) {
        int e = c.nEmbd();
        FloatBuffer out = buf.proj;
        if (postNorm != null) {
            kernels.rmsNorm(buf.proj, postNorm, buf.projB, e, n, c.normEps());
            out = buf.projB;
        }
        kernels.add(buf.x, out, buf.x, n * e);
    }

    /** Final norm and LM head for tokens [first, first + count) of the batch, into logits[at...], in groups of LOGIT_ROWS. */
    private void outputLogits(int first, int count, float[] logits, int at) {
        float[][] rowArray = new float[count][];
        int[] rowAt = new int[count];
        for (int r = 0; r < count; r++) {
            rowArray[r] = logits;
            rowAt[r] = at + r * c.nVocab();
        }
        outputLogits(first, count, rowArray, rowAt);
    }

    /** The same, row r of them into rowArray[r] from rowAt[r]. */
    private void outputLogits(int first, int count, float[][] rowArray, int[] rowAt) {
        int e = c.nEmbd();
        int vocab = c.nVocab();
        Matrix o = w.output();
        for (int done = 0; done < count; done += LOGIT_ROWS) {
            int n = Math.min(LOGIT_ROWS, count - done);
            FloatBuffer normed = Buffers.slice(buf.xb, 0, n * e);
            kernels.rmsNorm(Buffers.slice(buf.x, (first + done) * e, n * e), w.outputNorm(), normed, e, n, c.normEps());
            if (logitRows == null) {
                logitRows = Buffers.floats(LOGIT_ROWS * vocab);
            }
            o.multiply(kernels, normed, logitRows, n);
            if (c.logitSoftcap() != 0f) {
                kernels.softcap(logitRows, c.logitSoftcap(), n * vocab);
            }
            for (int r = 0; r < n; r++) {
                logitRows.get(r * vocab, rowArray[done + r], rowAt[done + r], vocab);
            }
        }
    }
}
