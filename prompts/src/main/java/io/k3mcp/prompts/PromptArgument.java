package io.k3mcp.prompts;

import java.util.List;
import java.util.Locale;

/**
 * One argument of a prompt.
 *
 * @param name the placeholder name ({@code {{name}}} in the template)
 * @param description what to pass, for the agent choosing a value
 * @param required whether the prompt cannot be rendered without it
 * @param defaultValue the value used when an optional argument is not given (null for required ones)
 * @param suggestions typical values, offered as completions (may be empty)
 */
public record PromptArgument(String name, String description, boolean required, String defaultValue,
                             List<String> suggestions) {
    public PromptArgument {
        suggestions = suggestions == null ? List.of() : List.copyOf(suggestions);
    }

    /** The suggestions that start with {@code prefix}, ignoring case. */
    public List<String> complete(String prefix) {
        String start = prefix == null ? "" : prefix.toLowerCase(Locale.ROOT);
        return suggestions.stream().filter(s -> s.toLowerCase(Locale.ROOT).startsWith(start)).toList();
    }
}
