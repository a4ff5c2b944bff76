package io.k3mcp.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k3mcp.engine.session.ContextSizeException;
import io.k3mcp.engine.session.KernelsChoice;
import io.k3mcp.engine.session.KvTypeException;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.ToolInputException;
import io.k3mcp.tools.generate.GenerateInput;
import io.k3mcp.tools.generate.GenerateOutput;
import io.k3mcp.tools.generate.GenerateTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code k3mcp generate}: one generation through the same {@link GenerateTool} the MCP server runs. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text with a GGUF model from a prompt or chat messages.")
public final class GenerateCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true,
            description = "GGUF model file, or a model name from the models directory (k3mcp pull).")
    String model;

    @Option(names = "--prompt", description = "Raw prompt text (or --messages).")
    String prompt;

    @Option(names = "--messages", description = "JSON file: an array of {role, content} messages, rendered with the model's chat template.")
    Path messages;

    @Option(names = "--tools", description = "JSON file: an array of function definitions offered to the model (with --messages).")
    Path tools;

    @Option(names = "--json-schema", description = "JSON file: a JSON Schema the output must validate against (enforced while decoding).")
    Path jsonSchema;

    @Option(names = "--format", description = "json: the output must be JSON.")
    String format;

    @Option(names = "--max-tokens", description = "Most tokens to generate (default 256).")
    Integer maxTokens;

    @Option(names = "--temperature", description = "0 = greedy (default 0.8).")
    Double temperature;

    @Option(names = "--top-k", description = "0 = off (default 40).")
    Integer topK;

    @Option(names = "--top-p", description = "Nucleus mass, 1 = off (default 0.95).")
    Double topP;

    @Option(names = "--min-p", description = "0 = off (default 0.05).")
    Double minP;

    @Option(names = "--repeat-penalty", description = "1 = off (default 1.0), over the last 64 tokens.")
    Double repeatPenalty;

    @Option(names = "--seed", description = "Random seed: the same seed gives the same output (default: random).")
    Long seed;

    @Option(names = "--stop", description = "Stop string (repeatable); it is not returned.")
    List<String> stop;

    @Option(names = "--no-bos", description = "Do not add the BOS token.")
    boolean noBos;

    @Option(names = "--top-logits", description = "Report the K highest logits for every generated token.")
    Integer topLogits;

    @Mixin
    ContextSizeOption context;

    @Mixin
    KvTypeOptions kvType;

    @Option(names = "--threads", description = "Worker threads for the kernels.")
    Integer threads;

    @Option(names = "--cores", description = "CPU list for the kernel workers: 0-3,6, or x100 / a100 on a K3.")
    String cores;

    @Override
    public Integer call() throws Exception {
        if ((prompt == null) == (messages == null)) {
            throw new UsageException("give exactly one of --prompt and --messages");
        }
        try (ModelRegistry registry = new ModelRegistry(KernelsChoice.pick(threads == null ? 0 : threads, CoreOption.resolve(cores)), context.value(), kvType.type())) {
            GenerateTool tool = new GenerateTool(registry, null, null, CliModels.resolver(System.getenv()));
            GenerateOutput out;
            try {
                GenerateInput input = tool.parse(arguments());
                out = tool.run(input, Progress.NONE, Cancellation.none());
            } catch (ContextSizeException e) {
                throw ContextSizeOption.usage(e);
            } catch (KvTypeException e) {
                throw KvTypeOptions.usage(e);
            } catch (ToolInputException e) {
                throw new UsageException("--" + e.argument().replace('_', '-') + ": " + e.getMessage().substring(e.argument().length() + 2));
            }
            PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            if (common.json) {
                stdout.println(Json.MAPPER.writeValueAsString(out));
            } else {
                stdout.println(out.text());
                System.err.printf(java.util.Locale.ROOT, "[%d prompt + %d generated tokens, finish_reason %s, prefill %.1f tokens/s, decode %.1f tokens/s]%n",
                        out.promptTokens(), out.completionTokens(), out.finishReason().wire(),
                        out.timings().prefillTps(), out.timings().decodeTps());
            }
        }
        return 0;
    }

    /** The flags as the tool's JSON arguments, so the CLI and MCP share one validation. */
    private ObjectNode arguments() {
        ObjectNode a = Json.MAPPER.createObjectNode();
        a.put("model", model);
        if (prompt != null) {
            a.put("prompt", prompt);
        } else {
            a.set("messages", readJson("--messages", messages));
        }
        if (tools != null) {
            a.set("tools", readJson("--tools", tools));
        }
        if (jsonSchema != null) {
            a.set("json_schema", readJson("--json-schema", jsonSchema));
        }
        if (format != null) {
            a.put("format", format);
        }
        putIfSet(a, "max_tokens", maxTokens);
        putIfSet(a, "temperature", temperature);
        putIfSet(a, "top_k", topK);
        putIfSet(a, "top_p", topP);
        putIfSet(a, "min_p", minP);
        putIfSet(a, "repeat_penalty", repeatPenalty);
        putIfSet(a, "seed", seed);
        putIfSet(a, "top_logits", topLogits);
        if (stop != null) {
            ArrayNode s = a.putArray("stop");
            stop.forEach(s::add);
        }
        a.put("no_bos", noBos);
        return a;
    }

    private static void putIfSet(ObjectNode a, String name, Number v) {
        if (v != null) {
            a.set(name, Json.MAPPER.valueToTree(v));
        }
    }

    private static JsonNode readJson(String flag, Path file) {
        return TemplateCommand.readJson(flag, file);
    }
}
