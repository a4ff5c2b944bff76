package io.k3mcp.tools.models;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.tools.bench.ModelInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the GGUF files below a directory (symlinks followed) and describes each from its header only.
 * Descriptions are cached by path, size and modification time, so a rescan reads only new or changed files.
 */
final class ModelScan {
    private static final Logger log = LoggerFactory.getLogger(ModelScan.class);
    private static final int MAX_DEPTH = 8;
    private static final String SUFFIX = ".gguf";

    private record Key(Path path, long size, long modified) {
    }

    private final Map<Key, ModelEntry> headers = new ConcurrentHashMap<>();

    /** The lower-case file stem: the name a model file is known by. */
    static String nameOf(Path file) {
        String f = file.getFileName().toString();
        return f.substring(0, f.length() - SUFFIX.length()).toLowerCase(Locale.ROOT);
    }

    /** GGUF files below {@code dir}, sorted by path; unreadable subdirectories are logged and skipped. */
    static List<Path> files(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                if (attrs.isRegularFile() && name.toLowerCase(Locale.ROOT).endsWith(SUFFIX) && name.length() > SUFFIX.length()) {
                    out.add(file.toAbsolutePath().normalize());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                log.warn("event=models_dir_skip path={} error={}", file, e.toString());
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(null);
        return out;
    }

    /** The entry for {@code file}; a file whose header cannot be read is an unusable entry carrying the error. */
    ModelEntry describe(Path file) {
        Key key;
        try {
            key = new Key(file, Files.size(file), Files.getLastModifiedTime(file).toMillis());
        } catch (IOException e) {
            return unusable(file, -1, "cannot read the file: " + e);
        }
        return headers.computeIfAbsent(key, k -> read(file, k.size()));
    }

    private static ModelEntry read(Path file, long size) {
        try (GgufFile gguf = GgufFile.open(file)) {
            var meta = gguf.metadata();
            String arch = meta.optString("general.architecture").orElse("unknown");
            String quant = ModelInfo.ftypeName((int) meta.optLong("general.file_type").orElse(-1));
            long context = meta.optLong(arch + ".context_length").orElse(0);
            return new ModelEntry(nameOf(file), List.of(), file, arch, size, quant, context, null);
        } catch (IOException | RuntimeException e) {
            // One bad file must not hide the others: it is listed with its error instead.
            log.warn("event=model_unusable path={} error={}", file, e.getMessage());
            return unusable(file, size, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static ModelEntry unusable(Path file, long size, String error) {
        return new ModelEntry(nameOf(file), List.of(), file, null, size, null, 0, error);
    }
}
