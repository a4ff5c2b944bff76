package io.k3mcp.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.ToolInputException;
import io.k3mcp.tools.embed.EmbedInput;
import io.k3mcp.tools.embed.EmbedOutput;
import io.k3mcp.tools.embed.EmbedTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code k3mcp embed}: the embed tool from the command line (same arguments, same code path, same JSON). */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed texts with a local embedding model (default: the bundled all-MiniLM-L6-v2).")
public final class EmbedCommand implements Callable<Integer> {
    private static final Map<String, String> FLAGS = Map.of("model", "--model", "texts", "--text", "pooling", "--pooling",
            "normalize", "--no-normalize", "truncate", "--truncate");

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "F", description = "GGUF embedding model, or a model name from the models "
            + "directory (default: the bundled all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--text", paramLabel = "T", required = true, description = "A text to embed (repeatable; each is its own sequence).")
    List<String> texts;

    @Option(names = "--pooling", paramLabel = "mean|cls|last|none", description = "Pooling (default: the model's own).")
    String pooling;

    @Option(names = "--no-normalize", description = "Do not L2-normalise the vectors.")
    boolean noNormalize;

    @Option(names = "--truncate", description = "Cut texts longer than the model's context instead of failing.")
    boolean truncate;

    @Option(names = "--threads", paramLabel = "N", description = "Kernel worker threads (default: all processors).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if (threads != null && threads < 1) {
            throw new UsageException("--threads: expected a positive number, got " + threads);
        }
        EmbedTool tool = new EmbedTool(null, () -> io.k3mcp.engine.session.KernelsChoice.pick(threads != null ? threads : 0, null),
                new io.k3mcp.tools.LoadedModels(), CliModels.resolver(System.getenv()));
        ObjectNode args = Json.MAPPER.createObjectNode();
        if (model != null) {
            args.put("model", model);
        }
        ArrayNode list = args.putArray("texts");
        texts.forEach(list::add);
        if (pooling != null) {
            args.put("pooling", pooling);
        }
        args.put("normalize", !noNormalize);
        args.put("truncate", truncate);
        EmbedOutput out;
        try {
            EmbedInput input = tool.parse(args);
            out = tool.run(input, Progress.NONE, Cancellation.none());
        } catch (ToolInputException e) {
            String flag = FLAGS.getOrDefault(e.argument(), e.argument());
            throw new UsageException(flag + ": " + e.getMessage().substring(e.argument().length() + 2));
        }
        print(spec.commandLine().getOut(), out);
        return 0;
    }

    private void print(PrintWriter w, EmbedOutput out) throws JsonProcessingException {
        if (common.json) {
            w.println(Json.MAPPER.writeValueAsString(out));
        } else {
            w.println(out.model() + ": " + out.dim() + " dims, " + out.pooling() + " pooling"
                    + (out.normalized() ? ", L2-normalised" : ""));
            for (int i = 0; i < out.embeddings().size(); i++) {
                w.println(i + ": " + preview(out.embeddings().get(i)));
            }
            w.println("tokens per text: " + out.tokenCounts());
        }
        w.flush();
    }

    private static String preview(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(6, v.length); i++) {
            sb.append(i > 0 ? ", " : "").append(String.format("%.5f", v[i]));
        }
        return sb.append(v.length > 6 ? ", ...]" : "]").toString();
    }
}
