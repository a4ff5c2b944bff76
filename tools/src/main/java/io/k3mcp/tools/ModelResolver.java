package io.k3mcp.tools;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Turns a tool's {@code model} argument (a name or a path) into the file to load. The server's
 * resolver knows the models directories and refuses paths outside them over HTTP; the CLI's takes paths.
 */
public interface ModelResolver {

    /** @throws ToolInputException naming {@code argument} when the value names no usable model */
    Path resolve(String argument, String value) throws ToolInputException;

    /** A line for tool descriptions listing the models available by name; empty when there are none. */
    default String describe() {
        return "";
    }

    /** Paths only, as given (the CLI: the user's own process may open any file). */
    ModelResolver PATHS = (argument, value) -> {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ToolInputException(argument, "not a valid path: " + e.getMessage());
        }
    };
}
