package io.k3mcp.evals;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One scripted evaluation: a server to drive and the steps to run against it, in order.
 *
 * @param requires variables that must be set (--var or environment) for the scenario to run; when
 *                 one is missing the scenario is reported as skipped with the reason, never silently
 */
public record Scenario(String name, String description, Server server, List<String> requires,
                       Map<String, String> vars, List<Step> steps, Path source) {

    /** How to reach the server: a command started over stdio, or the URL of a running Streamable HTTP server. */
    public record Server(List<String> command, String url, String tokenEnv) {
    }

    /**
     * One step: a tool call ({@code tool} + {@code arguments}), or a listing ({@code list} = tools,
     * prompts or resources), or reading a resource ({@code read}); then captures and checks.
     */
    public record Step(String name, String tool, JsonNode arguments, String list, String read,
                       long timeoutMs, Map<String, String> capture, List<Check> expect, Check expectError) {
    }

    /**
     * One assertion on a JSON path of the step's result. Exactly one of the comparison fields is set;
     * {@code min}/{@code max} may go together.
     */
    public record Check(String path, JsonNode equals, JsonNode notEquals, String matches, JsonNode contains,
                        Double min, Double max, Boolean exists, JsonNode jsonSchema, Cosine cosine,
                        Nearest nearest, String when, String message) {
    }

    /** The vector at the check's path is closer (cosine) to {@code among[index]} than to every other vector of {@code among}. */
    public record Nearest(JsonNode among, int index) {
    }

    /** Cosine similarity between the value at the check's path and {@code with} (a vector or ${var}). */
    public record Cosine(JsonNode with, double min) {
    }
}
