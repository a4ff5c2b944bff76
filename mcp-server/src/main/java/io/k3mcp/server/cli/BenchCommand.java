package io.k3mcp.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.ToolInputException;
import io.k3mcp.tools.bench.BenchChart;
import io.k3mcp.tools.bench.BenchFormats;
import io.k3mcp.tools.bench.BenchHistory;
import io.k3mcp.tools.bench.BenchResult;
import io.k3mcp.tools.bench.BenchmarkTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code k3mcp bench}: the benchmark tool from the command line (same code path and rows as the
 * {@code benchmark} MCP tool), printed as llama-bench's markdown table or as json/jsonl/csv.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark inference like llama-bench (pp/tg tokens/s), with bandwidth roofline, placement and thermals.")
public final class BenchCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", description = "GGUF model file, or a model name from the models directory (k3mcp pull).")
    String model;

    @Option(names = "--synthetic", description = "SHAPE:TYPE synthetic model, e.g. tinyllama-1.1b:q4_0, qwen3-0.6b:q4_k_m, qwen3-30b-a3b:q4_k_m, llama-3.2-1b:iq4_xs.")
    String synthetic;

    @Option(names = "--layers", description = "With --synthetic: only the shape's first N layers (same cost per layer).")
    Integer layers;

    @Option(names = {"-t", "--threads"}, split = ",", description = "Thread counts, comma-separated. Default: 2.")
    List<Integer> threads = List.of(2);

    @Option(names = {"-p", "--n-prompt"}, split = ",", description = "Prompt lengths (pp tests). Default: 128.")
    List<Integer> nPrompt = List.of(128);

    @Option(names = {"-n", "--n-gen"}, split = ",", description = "Generation lengths (tg tests; with --turn the completion). Default: 64 (128 with --turn).")
    List<Integer> nGen;

    @Option(names = {"-d", "--n-depth"}, split = ",", description = "Tokens already in the cache when each test runs (llama-bench's n_depth), comma-separated. Default: 0.")
    List<Integer> nDepth = List.of(0);

    @Option(names = "--interleave", description = "With two or more -d values: a KV cache per depth, each test's repetitions taken in turn across the depths, so they are compared over the same minutes.")
    boolean interleave;

    @Option(names = "--ctx-size", defaultValue = "0",
            description = "KV cache length in tokens, up to the model's trained context; 0 = what the largest test needs (depth + pp or tg). Default: ${DEFAULT-VALUE}.")
    int ctxSize;

    @picocli.CommandLine.Mixin
    KvTypeOptions kvTypes;

    @Option(names = {"-fa", "--flash-attn"}, defaultValue = "auto",
            description = "on, off or auto (llama-bench's -fa): the tiled attention kernel at every cache length, never, or from 512 keys on. Default: ${DEFAULT-VALUE}.")
    String flashAttn;

    @Option(names = {"-r", "--repetitions"}, description = "Repetitions after the warm-up. Default: ${DEFAULT-VALUE}.", defaultValue = "5")
    int repetitions;

    @Option(names = "--cores", description = "CPU list for the workers: 0-3,6, or x100 / a100 on a K3.")
    String cores;

    @Option(names = {"-o", "--output"}, description = "md, json, jsonl or csv. Default: ${DEFAULT-VALUE}.", defaultValue = "md")
    String output;

    @Option(names = "--turn", description = "Agentic coding turn (~800-token prompt, -n generated tokens; 700 is realistic).")
    boolean turn;

    @Option(names = "--parallel", split = ",", description = "Concurrent sequences, comma-separated (llama-batched-bench -npl): -p prompt tokens each, then -n decode steps with all of them in every forward pass.")
    List<Integer> parallel;

    @Option(names = "--spec", description = "With --turn: decode the turn without drafts, with always-wrong drafts, with the model's own continuation as drafts, and with prompt lookup.")
    boolean spec;

    @Option(names = "--compare", description = "Print the change against the previous run of the same configuration.")
    boolean compare;

    @Option(names = "--chart", description = "Write tokens/s per test and thread count as an SVG file.")
    Path chart;

    @Option(names = "--backend", description = "auto, native or reference. Default: ${DEFAULT-VALUE}.", defaultValue = "auto")
    String backend;

    @Option(names = "--no-record", description = "Do not append this run to the history file.")
    boolean noRecord;

    @Override
    public Integer call() throws Exception {
        String format = common.json ? "json" : output;
        if (!List.of("md", "json", "jsonl", "csv").contains(format)) {
            throw new UsageException("-o: expected md, json, jsonl or csv, not '" + format + "'");
        }
        BenchmarkTool tool = BenchmarkTool.onThisMachine(null, BenchHistory.inDefaultDataDir().file(),
                CliModels.resolver(System.getenv()));
        BenchmarkTool.Input input;
        try {
            input = tool.parse(arguments());
        } catch (ToolInputException e) {
            throw usage(e);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintStream err = System.err;
        BenchResult r;
        try {
            r = tool.run(input, (done, total, msg) -> err.printf("bench: %.0f/%.0f %s%n", done, total == null ? 0 : total, msg),
                    Cancellation.none());
        } catch (ToolInputException e) {
            throw usage(e);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(BenchFormats.format(format, r));
        if (compare) {
            (format.equals("md") ? out : err).print(BenchmarkTool.comparisonText(r));
        }
        if (chart != null) {
            Files.writeString(chart, BenchChart.svg(r), StandardCharsets.UTF_8);
            err.println("bench: chart written to " + chart);
        }
        return 0;
    }

    private ObjectNode arguments() {
        ObjectNode a = Json.MAPPER.createObjectNode();
        if (model != null) {
            boolean path = model.contains("/") || model.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf");
            if (path && !Files.isRegularFile(Path.of(model))) {
                throw new UsageException("--model: file not found: " + model);
            }
            a.put("model", model);
        }
        if (synthetic != null) {
            a.put("synthetic", synthetic);
        }
        if (layers != null) {
            a.put("layers", layers);
        }
        a.set("threads", ints(threads));
        a.set("n_prompt", ints(turn ? List.of(0) : nPrompt));
        if (nGen != null) {
            a.set("n_gen", ints(nGen));
        } else if (!turn) {
            a.set("n_gen", ints(List.of(64)));
        }
        a.set("n_depth", ints(nDepth));
        if (interleave) {
            a.put("interleave", true);
        }
        a.put("ctx_size", ctxSize);
        a.put("type_k", kvTypes.typeK);
        a.put("type_v", kvTypes.typeV);
        a.put("flash_attn", flashAttn);
        a.put("repetitions", repetitions);
        if (cores != null) {
            a.put("cores", cores);
        }
        a.put("turn", turn);
        if (parallel != null) {
            a.set("parallel", ints(parallel));
        }
        a.put("spec", spec);
        a.put("backend", backend);
        a.put("record", !noRecord);
        return a;
    }

    private static ArrayNode ints(List<Integer> v) {
        ArrayNode n = Json.MAPPER.createArrayNode();
        v.forEach(n::add);
        return n;
    }

    /** The tool's argument error as the flag's: "--ctx-size: ..." (the message without the argument's own name). */
    private static UsageException usage(ToolInputException e) {
        return new UsageException(flagOf(e.argument()) + ": " + e.getMessage().substring(e.argument().length() + 2));
    }

    private static String flagOf(String argument) {
        return switch (argument) {
            case "threads" -> "-t";
            case "n_prompt" -> "-p";
            case "n_gen" -> "-n";
            case "repetitions" -> "-r";
            case "n_depth" -> "-d";
            case "type_k" -> "--cache-type-k";
            case "type_v" -> "--cache-type-v";
            case "flash_attn" -> "-fa";
            default -> "--" + argument.replace('_', '-');
        };
    }
}
