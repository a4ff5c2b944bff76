package io.k3mcp.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k3mcp.board.BoardStatus;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.ToolInputException;
import io.k3mcp.tools.board.BoardStatusInput;
import io.k3mcp.tools.board.BoardStatusTool;
import io.k3mcp.tools.board.BoardText;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code k3mcp board}: the board-status tool from the command line (same parse/run as over MCP). */
@Command(name = "board", mixinStandardHelpOptions = true,
        description = "Board status: cpu clusters, memory, thermal, fans, power, accelerators, storage, K3 view.")
public final class BoardCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = BoardStatusInput.DEFAULT_ROOT,
            description = "Read sysfs, procfs, devfs and the device tree below DIR (default: ${DEFAULT-VALUE}).")
    String root;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "1",
            description = "Readings to take, 1-600; more than one adds a series and min/avg/max (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "1000",
            description = "Milliseconds between samples, 10-60000 (default: ${DEFAULT-VALUE}).")
    int intervalMs;

    @Override
    public Integer call() throws Exception {
        BoardStatusTool tool = new BoardStatusTool();
        ObjectNode arguments = Json.MAPPER.createObjectNode()
                .put("root", root)
                .put("samples", samples)
                .put("interval_ms", intervalMs);
        BoardStatusInput input;
        try {
            input = tool.parse(arguments);
        } catch (ToolInputException e) {
            String detail = e.getMessage().substring(e.argument().length() + 2);
            throw new UsageException("--" + e.argument().replace('_', '-') + ": " + detail);
        }
        BoardStatus status = tool.run(input, Progress.NONE, Cancellation.none());
        PrintWriter out = spec.commandLine().getOut();
        if (common.json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(status));
        } else {
            out.print(BoardText.report(status));
        }
        out.flush();
        return 0;
    }
}
