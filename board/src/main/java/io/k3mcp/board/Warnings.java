package io.k3mcp.board;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Files that exist but could not be read, in the order met; repeated messages are kept once. */
public final class Warnings {
    private static final Logger LOG = LoggerFactory.getLogger(Warnings.class);
    private final Set<String> messages = new LinkedHashSet<>();

    public synchronized void add(String file, String problem) {
        String message = file + ": " + problem;
        if (messages.add(message)) {
            LOG.warn("board probe file={} problem=\"{}\"", file, problem);
        }
    }

    public synchronized List<String> list() {
        return new ArrayList<>(messages);
    }
}
