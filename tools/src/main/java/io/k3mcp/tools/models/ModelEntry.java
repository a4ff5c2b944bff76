package io.k3mcp.tools.models;

import java.nio.file.Path;
import java.util.List;

/**
 * One GGUF found below a models directory, described from its header (the weights are not read).
 *
 * @param name          the lower-case file stem ({@code Qwen3-0.6B-Q4_K_M.gguf} -> {@code qwen3-0.6b-q4_k_m})
 * @param aliases       other names from the directory's models.json
 * @param architecture  general.architecture; null when unusable
 * @param quantization  general.file_type as llama.cpp names it; null when unusable
 * @param contextLength the trained context; 0 when unknown
 * @param error         why the file cannot be used (unreadable, not a GGUF, name taken); null when usable
 */
public record ModelEntry(String name, List<String> aliases, Path path, String architecture, long sizeBytes,
                         String quantization, long contextLength, String error) {
    public ModelEntry {
        aliases = List.copyOf(aliases);
    }

    public boolean usable() {
        return error == null;
    }

    ModelEntry withAliases(List<String> more) {
        return new ModelEntry(name, more, path, architecture, sizeBytes, quantization, contextLength, error);
    }

    ModelEntry withError(String why) {
        return new ModelEntry(name, aliases, path, architecture, sizeBytes, quantization, contextLength, why);
    }
}
