package io.k3mcp.prompts;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt: name, description, arguments, and a text with {@code {{argument}}} placeholders.
 * The constructor checks that placeholders and arguments match, so a broken template fails at load.
 */
public record PromptTemplate(String name, String title, String description, List<PromptArgument> arguments,
                             String text) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_][a-z0-9_]*)}}");

    public PromptTemplate {
        arguments = List.copyOf(arguments);
        Set<String> declared = new HashSet<>();
        for (PromptArgument argument : arguments) {
            if (!declared.add(argument.name())) {
                throw new IllegalArgumentException("prompt " + name + ": argument " + argument.name()
                        + " is declared twice");
            }
            if (!argument.required() && argument.defaultValue() == null) {
                throw new IllegalArgumentException("prompt " + name + ": optional argument " + argument.name()
                        + " needs a default");
            }
        }
        Set<String> used = placeholders(text);
        for (String placeholder : used) {
            if (!declared.contains(placeholder)) {
                throw new IllegalArgumentException("prompt " + name + ": template uses {{" + placeholder
                        + "}} but declares no such argument");
            }
        }
        for (String argument : declared) {
            if (!used.contains(argument)) {
                throw new IllegalArgumentException("prompt " + name + ": argument " + argument
                        + " is never used in the template");
            }
        }
    }

    /**
     * The text with every placeholder replaced.
     *
     * @throws PromptArgumentException naming a required argument that is missing or blank, or an unknown one
     */
    public String render(Map<String, String> given) {
        Map<String, String> values = given == null ? Map.of() : given;
        for (String key : values.keySet()) {
            if (arguments.stream().noneMatch(a -> a.name().equals(key))) {
                throw new PromptArgumentException(key, "unknown argument for prompt " + name + "; expected one of "
                        + arguments.stream().map(PromptArgument::name).toList());
            }
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(value(m.group(1), values)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String value(String name, Map<String, String> values) {
        PromptArgument argument = arguments.stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            if (argument.required()) {
                throw new PromptArgumentException(name, "required by prompt " + this.name + ": "
                        + argument.description());
            }
            return argument.defaultValue();
        }
        return value.strip();
    }

    private static Set<String> placeholders(String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
