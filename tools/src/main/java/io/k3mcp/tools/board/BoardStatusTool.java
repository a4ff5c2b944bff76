package io.k3mcp.tools.board;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.board.BoardProbe;
import io.k3mcp.board.BoardSampler;
import io.k3mcp.board.BoardStatus;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.Tool;
import io.k3mcp.tools.KnownArguments;
import io.k3mcp.tools.ToolInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

/** board-status: what the board is and how it is doing (temperatures, clocks, fans), optionally over time. */
public final class BoardStatusTool implements Tool<BoardStatusInput, BoardStatus> {
    public static final String NAME = "board-status";
    private static final Set<String> ARGUMENTS = Set.of("root", "samples", "interval_ms");
    /** Longest single sleep between cancellation checks while waiting for the next sample. */
    private static final long PAUSE_SLICE_MS = 50;

    private static final JsonNode INPUT_SCHEMA = Json.parse("""
            {"type": "object",
             "properties": {
               "root": {"type": "string", "default": "/",
                        "description": "Directory below which /sys, /proc, /dev and /etc are read (a fixture tree in tests)."},
               "samples": {"type": "integer", "minimum": 1, "maximum": 600, "default": 1,
                           "description": "Readings to take; more than one adds a series and min/avg/max."},
               "interval_ms": {"type": "integer", "minimum": 10, "maximum": 60000, "default": 1000,
                               "description": "Milliseconds between samples."}
             },
             "additionalProperties": false}
            """);
    private static final JsonNode OUTPUT_SCHEMA = loadSchema("board-status.output.json");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Reports the board this server runs on: model and SoC, cpu clusters (general and, on a "
                + "SpacemiT K3, the fenced AI cores) with frequencies, memory, thermal zones with trips and "
                + "cooling, fans, power sensors, GPUs/NPUs/video/TCM, disks, kernel flags. With samples > 1 "
                + "it watches temperatures, cpu clocks and fan speeds every interval_ms and returns "
                + "min/avg/max, e.g. to see whether a benchmark throttles.";
    }

    @Override
    public JsonNode inputSchema() {
        return INPUT_SCHEMA;
    }

    @Override
    public JsonNode outputSchema() {
        return OUTPUT_SCHEMA;
    }

    @Override
    public BoardStatusInput parse(JsonNode arguments) throws ToolInputException {
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            throw new ToolInputException("arguments", "expected an object, got " + arguments.getNodeType());
        }
        KnownArguments.check(arguments, ARGUMENTS);
        String rootText = text(arguments, "root", BoardStatusInput.DEFAULT_ROOT);
        Path root;
        try {
            root = Path.of(rootText);
        } catch (InvalidPathException e) {
            throw new ToolInputException("root", "not a valid path: " + e.getMessage());
        }
        if (!Files.isDirectory(root)) {
            throw new ToolInputException("root", "not a directory: " + rootText);
        }
        int samples = integer(arguments, "samples", BoardStatusInput.DEFAULT_SAMPLES,
                BoardStatusInput.MIN_SAMPLES, BoardStatusInput.MAX_SAMPLES);
        int interval = integer(arguments, "interval_ms", BoardStatusInput.DEFAULT_INTERVAL_MS,
                BoardStatusInput.MIN_INTERVAL_MS, BoardStatusInput.MAX_INTERVAL_MS);
        return new BoardStatusInput(root, samples, interval);
    }

    @Override
    public BoardStatus run(BoardStatusInput input, Progress progress, Cancellation cancel) throws InterruptedException {
        cancel.check();
        BoardProbe probe = new BoardProbe(input.root());
        BoardSampler sampler = new BoardSampler(probe, millis -> pause(millis, cancel), System::currentTimeMillis);
        return sampler.run(input.samples(), input.intervalMs(), (done, total) -> {
            progress.report(done, (double) total, "sample " + done + "/" + total);
            if (done < total) {
                cancel.check();
            }
        });
    }

    @Override
    public String summarize(BoardStatus output) {
        return BoardText.summary(output);
    }

    /** Sleeps in short slices so a cancellation is noticed within {@value #PAUSE_SLICE_MS} ms. */
    private static void pause(long millis, Cancellation cancel) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        for (long left = millis; left > 0; left = (deadline - System.nanoTime()) / 1_000_000L) {
            cancel.check();
            Thread.sleep(Math.min(left, PAUSE_SLICE_MS));
        }
        cancel.check();
    }

    private static String text(JsonNode arguments, String name, String fallback) throws ToolInputException {
        JsonNode value = arguments == null ? null : arguments.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new ToolInputException(name, "expected a non-empty string, got " + value);
        }
        return value.asText();
    }

    private static int integer(JsonNode arguments, String name, int fallback, int min, int max)
            throws ToolInputException {
        JsonNode value = arguments == null ? null : arguments.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() && !(value.isNumber() && value.asDouble() == Math.rint(value.asDouble()))) {
            throw new ToolInputException(name, "expected an integer from " + min + " to " + max + ", got " + value);
        }
        double number = value.asDouble();
        if (number < min || number > max) {
            throw new ToolInputException(name, "must be from " + min + " to " + max + ", got " + value);
        }
        return (int) number;
    }

    private static JsonNode loadSchema(String resource) {
        try (InputStream in = BoardStatusTool.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " beside " + BoardStatusTool.class);
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
