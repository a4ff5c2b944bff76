package io.k3mcp.server.cli;

import io.k3mcp.board.BoardProbe;
import io.k3mcp.board.MemoryStatus;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.tools.models.ModelCatalog;
import io.k3mcp.tools.models.ModelsDirException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** serve's model flags: the models directories (models by name) and when loaded models are evicted. */
final class ModelOptions {
    private static final Logger log = LoggerFactory.getLogger(ModelOptions.class);
    private static final Pattern SIZE = Pattern.compile("(\\d+)([KMGT]?)(I?B)?");

    @Option(names = "--models-dir", paramLabel = "DIR",
            description = "Directory whose GGUF files (searched below it) the tools take by name; repeatable, the first "
                    + "to hold a name wins. Default: $XDG_DATA_HOME/k3mcp/models or ~/.local/share/k3mcp/models, "
                    + "when it exists.")
    List<Path> modelsDirs;

    @Option(names = "--max-loaded", defaultValue = "0", paramLabel = "N",
            description = "Most models kept loaded; past it the least recently used idle one is closed. 0: no limit. "
                    + "Default: ${DEFAULT-VALUE}.")
    int maxLoaded;

    @Option(names = "--memory-budget", defaultValue = "auto", paramLabel = "SIZE",
            description = "Bytes (K, M, G, T suffixes) that loaded models (files + KV caches) may take before the least "
                    + "recently used idle one is closed; auto: three quarters of the board's memory; 0: no budget. "
                    + "Default: ${DEFAULT-VALUE}.")
    String memoryBudget;

    /**
     * The models by name. A given directory that is missing or unreadable is a bad flag value (exit 2); the default
     * directory is used only when it exists. A wrong models.json is a runtime error (exit 1): the flag is right,
     * the file's content is not.
     *
     * @param trustPaths stdio (the user's own process): any path is a model; HTTP: only paths below the directories
     */
    ModelCatalog catalog(boolean trustPaths, Map<String, String> env) throws ModelsDirException {
        List<Path> dirs = modelsDirs;
        if (dirs == null || dirs.isEmpty()) {
            Path fallback = ModelCatalog.defaultDir(env);
            if (!Files.isDirectory(fallback)) {
                log.info("event=no_models_dir default={} (models by path only; k3mcp pull creates it)", fallback);
                dirs = List.of();
            } else {
                dirs = List.of(fallback);
            }
        }
        try {
            return ModelCatalog.open(dirs, trustPaths);
        } catch (ModelsDirException e) {
            if (e.badDirectory()) {
                throw new UsageException("--models-dir: " + e.getMessage());
            }
            throw e;
        }
    }

    ModelRegistry.Limits limits() {
        if (maxLoaded < 0) {
            throw new UsageException("--max-loaded: " + maxLoaded + " must be 0 (no limit) or more");
        }
        return new ModelRegistry.Limits(maxLoaded, budgetBytes());
    }

    private long budgetBytes() {
        if (memoryBudget.equalsIgnoreCase("auto")) {
            MemoryStatus memory = new BoardProbe(Path.of("/")).snapshot().memory();
            if (memory == null || memory.totalBytes() == null) {
                log.warn("event=memory_budget_unknown reason=no_meminfo (only --max-loaded limits loaded models)");
                return 0;
            }
            return memory.totalBytes() / 4 * 3;
        }
        return parseSize(memoryBudget);
    }

    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UsageException("--memory-budget: \"" + text + "\" is not a size: give bytes with an optional K, M, "
                    + "G or T suffix (8G, 512M), auto or 0");
        }
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException("too large");
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new UsageException("--memory-budget: \"" + text + "\" is too large");
        }
    }
}
