package io.k3mcp.server.cli;

import io.k3mcp.engine.session.ContextOverflowException;
import io.k3mcp.engine.session.ContextSizeException;
import io.k3mcp.engine.session.KernelsChoice;
import io.k3mcp.engine.session.KvTypeException;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.engine.session.ScoreResult;
import io.k3mcp.tools.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code k3mcp score}: teacher-forced logits at every position of a token sequence, the
 * log-probability of each next token and the perplexity (exactness checks, comparing quantisations).
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Teacher-forced evaluation of a text or token sequence: per-position logits, log-probabilities, perplexity.")
public final class ScoreCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "GGUF model file.")
    Path model;

    @Option(names = "--text", description = "Text to tokenise and score (or --tokens).")
    String text;

    @Option(names = "--tokens", split = ",", description = "Token ids to score as given, e.g. 1,2,3 (or --text).")
    int[] tokens;

    @Option(names = "--top-logits", defaultValue = "5", description = "Highest logits reported per position. Default: ${DEFAULT-VALUE}.")
    int topLogits;

    @Option(names = "--no-bos", description = "With --text: do not add the BOS token.")
    boolean noBos;

    @Mixin
    ContextSizeOption context;

    @Mixin
    KvTypeOptions kvType;

    @Option(names = "--threads", description = "Worker threads for the kernels.")
    Integer threads;

    @Option(names = "--cores", description = "CPU list for the kernel workers.")
    String cores;

    @Override
    public Integer call() throws Exception {
        if ((text == null) == (tokens == null)) {
            throw new UsageException("give exactly one of --text and --tokens");
        }
        if (topLogits < 0 || topLogits > 1000) {
            throw new UsageException("--top-logits must be from 0 to 1000, got " + topLogits);
        }
        try (ModelRegistry registry = new ModelRegistry(KernelsChoice.pick(threads == null ? 0 : threads, CoreOption.resolve(cores)), context.value(), kvType.type())) {
            ModelRegistry.Loaded m;
            try {
                m = registry.get(model);
            } catch (NoSuchFileException e) {
                throw new UsageException("--model: file not found: " + model);
            } catch (ContextSizeException e) {
                throw ContextSizeOption.usage(e);
            } catch (KvTypeException e) {
                throw KvTypeOptions.usage(e);
            }
            int[] ids = text != null ? m.tokenizer().encode(text, !noBos, false) : tokens;
            ScoreResult r;
            try {
                r = m.session().score(ids, topLogits);
            } catch (ContextOverflowException e) {
                throw new UsageException((text != null ? "--text: " : "--tokens: ") + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new UsageException((text != null ? "--text: " : "--tokens: ") + e.getMessage());
            }
            print(r);
        }
        return 0;
    }

    private void print(ScoreResult r) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (common.json) {
            out.println(Json.MAPPER.writeValueAsString(r));
            return;
        }
        out.println("tokens " + Arrays.toString(r.tokens()));
        for (int i = 0; i < r.positions().size(); i++) {
            ScoreResult.Position p = r.positions().get(i);
            String top = p.topLogits().isEmpty() ? "" : String.format(Locale.ROOT, " top %d (%.4f)",
                    p.topLogits().get(0).id(), p.topLogits().get(0).logit());
            out.println(p.token() == null ? String.format(Locale.ROOT, "%5d  next -%s", i, top)
                    : String.format(Locale.ROOT, "%5d  next %d logprob %.6f%s", i, p.token(), p.logprob(), top));
        }
        out.println(r.perplexity() == null ? "perplexity: n/a (one token)"
                : String.format(Locale.ROOT, "perplexity: %.6f", r.perplexity()));
    }
}
