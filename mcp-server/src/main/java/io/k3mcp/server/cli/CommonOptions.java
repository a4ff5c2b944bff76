package io.k3mcp.server.cli;

import picocli.CommandLine.Option;

/** Flags every subcommand takes: --json and --verbose. */
public final class CommonOptions {
    @Option(names = "--json", description = "Print the result as one JSON document on stdout.")
    public boolean json;

    @Option(names = "--verbose", description = "Print stack traces for runtime errors.")
    public boolean verbose;
}
