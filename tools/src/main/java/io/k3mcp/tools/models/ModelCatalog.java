package io.k3mcp.tools.models;

import io.k3mcp.tools.BenchHistory;
import io.k3mcp.tools.ModelResolver;
import io.k3mcp.tools.ToolInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The models the server offers by name: every GGUF below the models directories (first directory wins a
 * name), plus the aliases of each directory's models.json. Resolves a tool's {@code model} argument; when
 * paths are not trusted (HTTP), a path is accepted only when it resolves (symlinks followed) below a models
 * directory or to a listed model file.
 */
public final class ModelCatalog implements ModelResolver {
    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);
    private static final int DESCRIBED = 40;
    /** Lookups of unknown names rescan at most this often, so a stream of bad names cannot keep the disk busy. */
    static final Duration RESCAN_INTERVAL = Duration.ofSeconds(2);

    private final List<Path> dirs;
    private final List<Path> realDirs;
    private final boolean trustPaths;
    private final long rescanNanos;
    private final ModelScan scan = new ModelScan();
    private volatile List<ModelEntry> entries = List.of();
    private volatile Map<String, ModelEntry> byName = Map.of();
    private volatile long scannedAt;

    private ModelCatalog(List<Path> dirs, List<Path> realDirs, boolean trustPaths, Duration rescanInterval) {
        this.dirs = dirs;
        this.realDirs = realDirs;
        this.trustPaths = trustPaths;
        this.rescanNanos = rescanInterval.toNanos();
    }

    /** $XDG_DATA_HOME/k3mcp/models, else ~/.local/share/k3mcp/models. */
    public static Path defaultDir(Map<String, String> env) {
        return BenchHistory.defaultDataDir(env).resolve("models");
    }

    /**
     * Checks the directories and reads them.
     *
     * @param trustPaths whether any path is accepted as a model (stdio: the user's own process) or only paths
     *                   below the directories (HTTP)
     * @throws ModelsDirException a directory that does not exist or cannot be read, or a wrong models.json
     */
    public static ModelCatalog open(List<Path> dirs, boolean trustPaths) throws ModelsDirException {
        return open(dirs, trustPaths, RESCAN_INTERVAL);
    }

    static ModelCatalog open(List<Path> dirs, boolean trustPaths, Duration rescanInterval) throws ModelsDirException {
        List<Path> absolute = new ArrayList<>();
        List<Path> real = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                throw new ModelsDirException("models directory " + dir + (Files.exists(dir) ? " is not a directory"
                        : " does not exist"), true);
            }
            if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
                throw new ModelsDirException("models directory " + dir + " is not readable", true);
            }
            absolute.add(dir.toAbsolutePath().normalize());
            try {
                real.add(dir.toRealPath());
            } catch (IOException e) {
                throw new ModelsDirException("models directory " + dir + " cannot be resolved: " + e.getMessage(), true);
            }
        }
        ModelCatalog catalog = new ModelCatalog(List.copyOf(absolute), List.copyOf(real), trustPaths, rescanInterval);
        catalog.rescan();
        return catalog;
    }

    /** The name a model file is known by: its lower-case stem. */
    public static String nameOf(Path file) {
        return ModelScan.nameOf(file);
    }

    public List<Path> dirs() {
        return dirs;
    }

    /** Every model file found, usable or not, in name order per directory. */
    public List<ModelEntry> entries() {
        return entries;
    }

    /** Reads the directories again (a model pulled while the server runs becomes available). */
    public synchronized void rescan() throws ModelsDirException {
        List<ModelEntry> found = new ArrayList<>();
        Map<String, ModelEntry> names = new LinkedHashMap<>();
        for (Path dir : dirs) {
            List<ModelEntry> inDir = new ArrayList<>();
            try {
                for (Path file : ModelScan.files(dir)) {
                    inDir.add(scan.describe(file));
                }
            } catch (IOException e) {
                throw new ModelsDirException("models directory " + dir + " cannot be read: " + e.getMessage(), true);
            }
            Map<String, String> aliases = ModelsJson.aliases(dir, inDir.stream().map(ModelEntry::name)
                    .collect(java.util.stream.Collectors.toSet()));
            for (ModelEntry entry : inDir) {
                List<String> mine = aliases.entrySet().stream().filter(a -> a.getValue().equals(entry.name()))
                        .map(Map.Entry::getKey).sorted().toList();
                ModelEntry e = entry.withAliases(mine);
                ModelEntry owner = names.get(e.name());
                if (owner != null) {
                    e = e.withError("the name " + e.name() + " is already taken by " + owner.path());
                } else {
                    names.put(e.name(), e);
                }
                for (String alias : mine) {
                    ModelEntry other = names.putIfAbsent(alias, e);
                    if (other != null && other != e) {
                        throw new ModelsDirException(dir.resolve(ModelsJson.FILE) + ": alias \"" + alias
                                + "\": already the name of " + other.path(), false);
                    }
                }
                found.add(e);
            }
        }
        entries = List.copyOf(found);
        byName = Map.copyOf(names);
        scannedAt = System.nanoTime();
        log.info("event=models_scanned dirs={} models={} unusable={}", dirs, found.size(),
                found.stream().filter(m -> !m.usable()).count());
    }

    @Override
    public Path resolve(String argument, String value) throws ToolInputException {
        if (trustPaths && Files.isRegularFile(ModelResolver.PATHS.resolve(argument, value))) {
            return Path.of(value); // the user's own file wins over a name it happens to spell
        }
        ModelEntry named = byName.get(value.toLowerCase(Locale.ROOT));
        if (named == null && !looksLikePath(value)) {
            rescanQuietly();
            named = byName.get(value.toLowerCase(Locale.ROOT));
        }
        if (named != null) {
            if (!named.usable()) {
                throw new ToolInputException(argument, "model \"" + value + "\" (" + named.path() + ") is unusable: "
                        + named.error());
            }
            return named.path();
        }
        if (!looksLikePath(value)) {
            throw new ToolInputException(argument, "unknown model \"" + value + "\"; available: " + availableNames());
        }
        Path path = ModelResolver.PATHS.resolve(argument, value);
        return trustPaths ? path : checkedPath(argument, value, path);
    }

    /**
     * A path over an untrusted transport: it must lie below a models directory once normalised (so {@code ..} cannot
     * climb out), and its real location (symlinks resolved) too, unless it is a model file the scan listed there
     * (a link the operator placed). The path checked is the path opened.
     */
    private Path checkedPath(String argument, String value, Path path) throws ToolInputException {
        Path absolute = path.toAbsolutePath().normalize();
        if (dirs.stream().noneMatch(absolute::startsWith)) {
            throw new ToolInputException(argument, outside(value));
        }
        Path real;
        try {
            real = absolute.toRealPath();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ToolInputException(argument, "model file not found: " + value);
        } catch (IOException e) {
            // a link loop, a directory it may not read: not "not found", and the reason is the caller's to fix
            throw new ToolInputException(argument, "cannot resolve " + value + ": " + e);
        }
        boolean listed = entries.stream().anyMatch(m -> m.path().equals(absolute));
        if (realDirs.stream().anyMatch(real::startsWith) || listed) {
            return absolute;
        }
        throw new ToolInputException(argument, outside(value));
    }

    private String outside(String value) {
        return "\"" + value + "\" is a path outside the models directories " + dirs + "; over HTTP only models below "
                + "them are served: give a model name (" + availableNames() + ")";
    }

    private static boolean looksLikePath(String value) {
        return value.contains("/") || value.contains("\\") || value.toLowerCase(Locale.ROOT).endsWith(".gguf");
    }

    /** Rescans unless the last scan is recent; for lookups and listings (a model pulled meanwhile shows up). */
    public void refresh() throws ModelsDirException {
        if (System.nanoTime() - scannedAt >= rescanNanos) {
            rescan();
        }
    }

    private void rescanQuietly() {
        try {
            refresh();
        } catch (ModelsDirException e) {
            // The names read at start-up stay in force; the broken state is reported, not fatal mid-call.
            log.warn("event=models_rescan_failed error={}", e.getMessage());
        }
    }

    /** The usable names and aliases, sorted; "none" when the directories hold no usable model. */
    public String availableNames() {
        List<String> names = byName.entrySet().stream().filter(e -> e.getValue().usable()).map(Map.Entry::getKey)
                .sorted().toList();
        return names.isEmpty() ? "none (no usable GGUF in " + dirs + ")" : String.join(", ", names);
    }

    @Override
    public String describe() {
        List<ModelEntry> usable = entries.stream().filter(ModelEntry::usable).toList();
        if (usable.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" Models by name (model argument; a path also works");
        sb.append(trustPaths ? ")" : " when it lies below a models directory)").append(':');
        for (ModelEntry m : usable.subList(0, Math.min(DESCRIBED, usable.size()))) {
            sb.append(' ').append(m.name());
            m.aliases().forEach(a -> sb.append(" / ").append(a));
            sb.append(String.format(Locale.ROOT, " (%s, %s, %.1f MB, context %d);", m.architecture(),
                    m.quantization(), m.sizeBytes() / 1e6, m.contextLength()));
        }
        if (usable.size() > DESCRIBED) {
            sb.append(" and ").append(usable.size() - DESCRIBED).append(" more (models://available).");
        }
        return sb.toString();
    }

    /** What models://available shows: every entry, with whether it is loaded now. */
    public List<Map<String, Object>> available(Predicate<Path> loaded) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ModelEntry m : entries) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", m.name());
            row.put("aliases", m.aliases());
            row.put("path", m.path().toString());
            row.put("architecture", m.architecture());
            row.put("size_bytes", m.sizeBytes());
            row.put("quantization", m.quantization());
            row.put("context_length", m.contextLength());
            row.put("loaded", loaded.test(m.path()));
            row.put("usable", m.usable());
            row.put("error", m.error());
            out.add(row);
        }
        return out;
    }
}
