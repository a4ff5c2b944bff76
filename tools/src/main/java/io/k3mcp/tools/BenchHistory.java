package io.k3mcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Past benchmark results, one JSON object per line in {@code bench-history.jsonl} under the data
 * directory ($XDG_DATA_HOME/k3mcp, else ~/.local/share/k3mcp). The benchmark tool appends; the
 * {@code bench://history} resource reads.
 */
public final class BenchHistory {
    private static final Logger log = LoggerFactory.getLogger(BenchHistory.class);
    public static final String FILE_NAME = "bench-history.jsonl";

    private final Path file;

    private BenchHistory(Path file) {
        this.file = file;
    }

    /** The history in a data directory: {@value #FILE_NAME} there. */
    public static BenchHistory inDataDir(Path dataDir) {
        return new BenchHistory(dataDir.resolve(FILE_NAME));
    }

    /** A history kept in exactly this file (tests, or a file named on the command line). */
    public static BenchHistory atFile(Path file) {
        return new BenchHistory(file);
    }

    /** The default data directory from the environment (XDG base directory rules). */
    public static Path defaultDataDir(Map<String, String> env) {
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "k3mcp");
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "k3mcp");
    }

    public Path file() {
        return file;
    }

    /** Appends one result (any record or tree, in the snake_case JSON of {@link Json}). */
    public synchronized void append(Object result) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, Json.MAPPER.writeValueAsString(result) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Every result, oldest first; an absent file is an empty history. A line that is not a JSON object
     * is skipped with a warning naming its line number, so one torn write does not hide the rest.
     */
    public synchronized ArrayNode read() throws IOException {
        ArrayNode rows = Json.MAPPER.createArrayNode();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return rows;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode row = Json.MAPPER.readTree(line);
                if (row != null && row.isObject()) {
                    rows.add(row);
                } else {
                    log.warn("event=bench_history_bad_line file={} line={} reason=not_an_object", file, i + 1);
                }
            } catch (IOException e) {
                log.warn("event=bench_history_bad_line file={} line={} reason=\"{}\"", file, i + 1, e.getMessage());
            }
        }
        return rows;
    }
}
