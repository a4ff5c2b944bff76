package io.k3mcp.tools.bench;

import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.tools.Cancellation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The agentic coding turn (K3.md): the built-in prompt {@code agentic-turn.txt} is tokenised by the
 * model's tokenizer and cut or cycled to {@link #PROMPT_TOKENS} (its length under the Llama-3
 * tokenizer), so every model, synthetic vocabularies included, prefills the same amount; then
 * {@code completion} tokens are decoded greedily. A realistic turn decodes ~700 tokens; the default is
 * {@link #DEFAULT_GEN} so a run fits CI.
 */
public final class TurnBenchmark {
    /** Tokens of agentic-turn.txt under the Llama-3 tokenizer (with BOS); checked by a test. */
    public static final int PROMPT_TOKENS = 801;
    public static final int DEFAULT_GEN = 128;
    public static final int REALISTIC_GEN = 700;

    private TurnBenchmark() {
    }

    /** Seconds of prefill and decode for one turn. */
    record Timing(int promptTokens, int completionTokens, double prefillSeconds, double decodeSeconds) {
    }

    public static String promptText() {
        try (InputStream in = TurnBenchmark.class.getResourceAsStream("agentic-turn.txt")) {
            if (in == null) {
                throw new IllegalStateException("resource agentic-turn.txt missing from the tools jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read agentic-turn.txt", e);
        }
    }

    /** The prompt's token ids for a model: its own tokenisation, cut or cycled to PROMPT_TOKENS. */
    static int[] promptIds(Tokenizer tokenizer, int vocab) {
        int[] ids;
        if (tokenizer != null) {
            ids = tokenizer.encode(promptText(), true, false);
        } else {
            byte[] bytes = promptText().getBytes(StandardCharsets.UTF_8);
            ids = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                ids[i] = (bytes[i] & 0xff) % vocab;
            }
        }
        int[] out = new int[PROMPT_TOKENS];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids[i % ids.length];
        }
        return out;
    }

    static Timing run(BenchTarget target, Tokenizer tokenizer, int completion, Cancellation cancel) {
        int[] prompt = promptIds(tokenizer, target.vocabSize());
        target.reset();
        long t0 = System.nanoTime();
        target.prefill(prompt);
        long t1 = System.nanoTime();
        int token = prompt[prompt.length - 1];
        for (int i = 0; i < completion; i++) {
            if ((i & 15) == 0) {
                cancel.check();
            }
            token = target.decode(token);
        }
        long t2 = System.nanoTime();
        return new Timing(prompt.length, completion, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }

    static TurnResult result(ModelInfo info, KernelSet ks, int threads, String cores, Timing t, ThermalSummary thermal) {
        double total = t.prefillSeconds() + t.decodeSeconds();
        return new TurnResult(info.filename(), info.type(), ks.backend, threads, cores, ks.placement,
                t.promptTokens(), t.completionTokens(), t.prefillSeconds(), t.decodeSeconds(),
                t.promptTokens() / t.prefillSeconds(), t.completionTokens() == 0 ? 0 : t.completionTokens() / t.decodeSeconds(),
                (t.promptTokens() + t.completionTokens()) / total, total, thermal);
    }
}
