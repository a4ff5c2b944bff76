package io.k3mcp.prompts;

/**
 * One argument of a prompt.
 *
 * @param name the placeholder name ({@code {{name}}} in the template)
 * @param description what to pass, for the agent choosing a value
 * @param required whether the prompt cannot be rendered without it
 * @param defaultValue the value used when an optional argument is not given (null for required ones)
 */
public record PromptArgument(String name, String description, boolean required, String defaultValue) {
}
