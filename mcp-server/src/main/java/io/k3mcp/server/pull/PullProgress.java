package io.k3mcp.server.pull;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Download progress on stderr: a bar redrawn in place on a terminal, else one plain line per tenth of the
 * file (logs and pipes get no carriage returns).
 */
final class PullProgress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final String file;
    private final long total;
    private final long started = System.nanoTime();
    private long startBytes = -1;
    private int lastTenth = -1;
    private long lastDraw;

    PullProgress(PrintStream err, boolean terminal, String file, long total) {
        this.err = err;
        this.terminal = terminal;
        this.file = file;
        this.total = total;
    }

    void update(long done) {
        if (startBytes < 0) {
            startBytes = done;
        }
        if (terminal) {
            long now = System.nanoTime();
            if (now - lastDraw >= REDRAW_NANOS || done == total) {
                lastDraw = now;
                err.print("\r" + bar(done, now));
                err.flush();
            }
            return;
        }
        int tenth = total > 0 ? (int) (done * 10 / total) : 0;
        if (tenth != lastTenth) {
            lastTenth = tenth;
            err.println(String.format(Locale.ROOT, "pull: %s %d%% (%d of %d bytes)", file, tenth * 10, done, total));
        }
    }

    void finish() {
        if (terminal) {
            err.println();
        }
    }

    private String bar(long done, long now) {
        double f = total > 0 ? Math.min(1, (double) done / total) : 0;
        int filled = (int) Math.round(f * WIDTH);
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        return String.format(Locale.ROOT, "%s [%s%s] %5.1f%% %.1f/%.1f MB %.1f MB/s", file, "#".repeat(filled),
                ".".repeat(WIDTH - filled), f * 100, done / 1e6, total / 1e6, (done - startBytes) / 1e6 / seconds);
    }
}
