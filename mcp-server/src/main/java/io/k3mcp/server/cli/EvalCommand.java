package io.k3mcp.server.cli;

import io.k3mcp.evals.EvalRunner;
import io.k3mcp.evals.Reports;
import io.k3mcp.evals.Results;
import io.k3mcp.evals.Scenario;
import io.k3mcp.evals.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code k3mcp eval}: runs scenario files against a server through a real MCP client and writes a
 * Markdown summary (stdout unless --json) and optional report files. Exit 1 when any check fails.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Run scripted agent evaluations against an MCP server (see evals/README.md).")
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "Scenario files or folders of *.json.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--server", paramLabel = "COMMAND", description = "Server command for stdio (overrides each scenario's), e.g. \"./k3mcp serve\".")
    String server;

    @Option(names = "--url", description = "URL of a running Streamable HTTP server instead of starting one.")
    String url;

    @Option(names = "--token", description = "Bearer token for --url.")
    String token;

    @Option(names = "--var", paramLabel = "NAME=VALUE", description = "Scenario variable (repeatable), e.g. --var model=path.gguf.")
    List<String> vars = new ArrayList<>();

    @Option(names = "--report-md", paramLabel = "FILE", description = "Write the Markdown report here too.")
    Path reportMd;

    @Option(names = "--report-json", paramLabel = "FILE", description = "Write the JSON report here.")
    Path reportJson;

    @Override
    public Integer call() throws IOException {
        Map<String, String> varMap = new LinkedHashMap<>();
        for (String v : vars) {
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--var must be NAME=VALUE, got '" + v + "'");
            }
            varMap.put(v.substring(0, eq), v.substring(eq + 1));
        }
        for (Path p : paths) {
            if (!java.nio.file.Files.exists(p)) {
                throw new UsageException("SCENARIO: no scenario file or folder: " + p);
            }
        }
        List<Scenario> scenarios = ScenarioLoader.load(paths);
        List<String> command = server == null || server.isBlank() ? List.of() : splitCommand(server);
        EvalRunner runner = new EvalRunner(new EvalRunner.Options(command, url, token, varMap, System::getenv),
                (s, step) -> System.err.printf("eval: %-22s %-40s %s%s%n", s.name(), step.name(), step.passed() ? "pass" : "FAIL",
                        step.passed() ? "" : " - " + step.reason()));
        Results.Report report = runner.run(scenarios);
        String md = Reports.markdown(report);
        if (reportMd != null) {
            Files.writeString(reportMd, md);
        }
        if (reportJson != null) {
            Files.writeString(reportJson, Reports.json(report));
        }
        System.out.print(common.json ? Reports.json(report) : md);
        System.out.flush();
        return report.ok() ? 0 : 1;
    }

    /** Splits a command line on spaces, honouring single and double quotes. */
    static List<String> splitCommand(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
            }
        }
        if (quote != 0) {
            throw new UsageException("--server has an unclosed quote: " + s);
        }
        if (any || cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }
}
