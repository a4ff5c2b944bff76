package io.k3mcp.server.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the CLI in-process with stdout and stderr captured: the exit status and both streams. */
final class CliCapture {
    record Result(int status, String stdout, String stderr) {
    }

    private CliCapture() {
    }

    /** ../shared (the oracle folder), from the system property surefire sets, else relative to the module. */
    static Path shared() {
        String p = System.getProperty("k3mcp.shared");
        return Path.of(p != null ? p : "../../shared");
    }

    /** A model file of ../shared/models, read in place. */
    static Path sharedModel(String file) {
        return shared().resolve("models").resolve(file);
    }

    static synchronized Result run(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = Main.run(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
