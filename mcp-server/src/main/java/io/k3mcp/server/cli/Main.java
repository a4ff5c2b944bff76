package io.k3mcp.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code k3mcp} command line. Exit status: 0 success, 2 usage error (picocli names the flag),
 * 1 runtime error (one clear line on stderr; the stack trace only with --verbose).
 * stdout carries only the --json document, the human rendering, or the stdio transport.
 */
@Command(name = "k3mcp", mixinStandardHelpOptions = true, version = "k3mcp 0.1.0",
        description = "MCP tool server for local inference and board probes.",
        subcommands = {
                EvalCommand.class,
                TokenizeCommand.class,
                EmbedCommand.class,
                GenerateCommand.class,
                ScoreCommand.class,
                ServeCommand.class,
                DemoCommand.class,
                BoardCommand.class,
                TemplateCommand.class,
                BenchCommand.class,
                PullCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new RuntimeErrorHandler());
        return cli.execute(args);
    }
}
