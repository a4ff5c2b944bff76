package io.k3mcp.server.cli;

/** A bad flag value found after parsing (e.g. a file that does not exist); exits with status 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
