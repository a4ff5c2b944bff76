package io.k3mcp.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The prompts shipped in the jar: {@code prompts.json} lists each prompt's name, description,
 * arguments and template file, all under {@code /io/k3mcp/prompts/}.
 */
public final class PromptCatalog {
    static final String BASE = "/io/k3mcp/prompts/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<PromptTemplate> prompts;

    private PromptCatalog(List<PromptTemplate> prompts) {
        this.prompts = List.copyOf(prompts);
    }

    /** Loads the bundled catalog; a missing or malformed file is a packaging bug and fails loudly. */
    public static PromptCatalog load() {
        return load(BASE + "prompts.json");
    }

    static PromptCatalog load(String indexResource) {
        JsonNode index = readTree(indexResource);
        if (index == null || !index.isArray()) {
            throw new IllegalStateException(indexResource + ": expected a JSON array of prompts");
        }
        List<PromptTemplate> prompts = new ArrayList<>();
        for (JsonNode entry : index) {
            String name = field(entry, "name", indexResource);
            List<PromptArgument> arguments = new ArrayList<>();
            for (JsonNode argument : entry.path("arguments")) {
                boolean required = argument.path("required").asBoolean(false);
                List<String> suggestions = new ArrayList<>();
                argument.path("suggestions").forEach(v -> suggestions.add(v.asText()));
                arguments.add(new PromptArgument(field(argument, "name", indexResource + " prompt " + name),
                        field(argument, "description", indexResource + " prompt " + name), required,
                        argument.hasNonNull("default") ? argument.get("default").asText() : null, suggestions));
            }
            String template = BASE + field(entry, "template", indexResource + " prompt " + name);
            prompts.add(new PromptTemplate(name, entry.path("title").asText(name),
                    field(entry, "description", indexResource + " prompt " + name), arguments, read(template)));
        }
        return new PromptCatalog(prompts);
    }

    public List<PromptTemplate> prompts() {
        return prompts;
    }

    public Optional<PromptTemplate> find(String name) {
        return prompts.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static String field(JsonNode node, String name, String where) {
        JsonNode value = node.get(name);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalStateException(where + ": missing text field \"" + name + "\"");
        }
        return value.asText();
    }

    private static JsonNode readTree(String resource) {
        try {
            return JSON.readTree(read(resource));
        } catch (IOException e) {
            throw new IllegalStateException(resource + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String read(String resource) {
        try (InputStream in = PromptCatalog.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + resource, e);
        }
    }
}
