package io.k3mcp.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception thrown by a subcommand into exit status 1 with one message line on stderr;
 * {@code --verbose} anywhere on the command line adds the stack trace. Usage errors detected while
 * running (a {@link CommandLine.ParameterException} or {@link UsageException}) give status 2.
 */
final class RuntimeErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        boolean verbose = parsed.originalArgs().contains("--verbose");
        if (ex instanceof CommandLine.ParameterException pe) {
            cmd.getErr().println("k3mcp: " + pe.getMessage());
            return 2;
        }
        if (ex instanceof UsageException ue) {
            cmd.getErr().println("k3mcp: " + ue.getMessage());
            return 2;
        }
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        cmd.getErr().println("k3mcp: error: " + message);
        if (verbose) {
            ex.printStackTrace(cmd.getErr());
        }
        return 1;
    }
}
