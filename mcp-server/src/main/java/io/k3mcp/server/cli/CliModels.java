package io.k3mcp.server.cli;

import io.k3mcp.tools.ModelResolver;
import io.k3mcp.tools.models.ModelCatalog;
import io.k3mcp.tools.models.ModelsDirException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * --model of generate, embed and bench: a file, or a model name from the default models directory (where
 * {@code k3mcp pull} puts models). The CLI is the user's own process, so any path is accepted.
 */
final class CliModels {
    private static final Logger log = LoggerFactory.getLogger(CliModels.class);

    private CliModels() {
    }

    static ModelResolver resolver(Map<String, String> env) {
        Path dir = ModelCatalog.defaultDir(env);
        if (!Files.isDirectory(dir)) {
            return ModelResolver.PATHS;
        }
        try {
            return ModelCatalog.open(List.of(dir), true);
        } catch (ModelsDirException e) {
            // A broken models directory must not stop commands given a file; names are then unavailable.
            log.warn("event=models_dir_unusable dir={} error={} (--model takes file paths only)", dir, e.getMessage());
            return ModelResolver.PATHS;
        }
    }
}
