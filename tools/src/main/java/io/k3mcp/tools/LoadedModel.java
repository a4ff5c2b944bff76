package io.k3mcp.tools;

import java.util.Map;

/**
 * A model the engine has loaded and shares between calls (listed by the {@code models://loaded} resource).
 *
 * @param name display name (GGUF general.name, else the file name)
 * @param path the model file
 * @param purpose what it serves: "generate" or "embed"
 * @param details anything else worth showing (architecture, quantization, size_bytes, context_length)
 */
public record LoadedModel(String name, String path, String purpose, Map<String, Object> details) {
    public LoadedModel {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
