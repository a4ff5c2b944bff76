package io.k3mcp.evals;

/** A malformed scenario file: the message names the file, the step and the field. */
public final class ScenarioException extends RuntimeException {
    public ScenarioException(String message) {
        super(message);
    }
}
