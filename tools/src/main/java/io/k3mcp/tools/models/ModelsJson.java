package io.k3mcp.tools.models;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.tools.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The optional {@code models.json} of a models directory: {@code {"aliases": {"ALIAS": "MODEL-NAME", ...}}},
 * each alias naming a model found in that directory by its file-derived name. Every error names the file
 * and the entry.
 */
final class ModelsJson {
    static final String FILE = "models.json";
    /** Names as the file-derived ones look: lower case, digits, dot, dash, underscore. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    private ModelsJson() {
    }

    /**
     * The aliases of {@code dir}/models.json (empty when there is none), checked against the model names of the
     * directory.
     */
    static Map<String, String> aliases(Path dir, Set<String> namesInDir) throws ModelsDirException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Map.of();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw error(file, "is not readable JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw error(file, "expected a JSON object {\"aliases\": {\"ALIAS\": \"MODEL-NAME\"}}");
        }
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.equals("aliases")) {
                throw error(file, "unknown key \"" + key + "\" (the only key is \"aliases\")");
            }
        }
        JsonNode aliases = root.path("aliases");
        if (!aliases.isObject()) {
            throw error(file, "\"aliases\" must be an object mapping alias names to model names");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = aliases.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String alias = e.getKey();
            if (!NAME.matcher(alias).matches()) {
                throw error(file, "alias \"" + alias + "\": names are lower-case letters, digits, '.', '-' and '_'");
            }
            if (!e.getValue().isTextual()) {
                throw error(file, "alias \"" + alias + "\": the target must be a model name string, got "
                        + e.getValue().getNodeType());
            }
            String target = e.getValue().asText();
            if (!namesInDir.contains(target)) {
                throw error(file, "alias \"" + alias + "\": no model named \"" + target + "\" in " + dir
                        + " (models: " + String.join(", ", new java.util.TreeSet<>(namesInDir)) + ")");
            }
            if (namesInDir.contains(alias)) {
                throw error(file, "alias \"" + alias + "\": already the name of a model file in " + dir);
            }
            out.put(alias, target);
        }
        return out;
    }

    private static ModelsDirException error(Path file, String message) {
        return new ModelsDirException(file + ": " + message, false);
    }
}
