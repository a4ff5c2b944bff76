package io.k3mcp.server.stdio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads newline-delimited messages with a size cap: a line over the cap is consumed to its end and
 * reported as too long, so one oversized message costs memory of the cap, not of the message.
 */
final class LineReader {
    /**
     * One line: its text; or, when it was over the cap, null text with the length seen and the line's
     * first and last bytes (enough to find a JSON-RPC id to answer).
     */
    record Line(String text, long length, String head, String tail) {
        boolean tooLong() {
            return text == null;
        }
    }

    /** How much of the start and end of an oversized line is kept. */
    private static final int EDGE = 512;

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int end;

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line without its terminator (a trailing '\r' is dropped), or null at end of input. */
    Line next() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] head = null;
        byte[] tail = new byte[EDGE];
        long length = 0;
        boolean over = false;
        while (true) {
            if (pos == end) {
                end = in.read(buffer);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    return length == 0 ? null : finish(line, length, over, head, tail);
                }
            }
            int start = pos;
            while (pos < end && buffer[pos] != '\n') {
                pos++;
            }
            int chunk = pos - start;
            length += chunk;
            if (!over && length > maxBytes) {
                over = true;
                byte[] seen = line.toByteArray();
                head = java.util.Arrays.copyOf(seen, Math.min(EDGE, seen.length));
                line.reset();
            }
            if (!over) {
                line.write(buffer, start, chunk);
            } else {
                keepTail(tail, buffer, start, chunk);
            }
            if (pos < end) {
                pos++;
                return finish(line, length, over, head, tail);
            }
        }
    }

    /** Shifts the last bytes of the line into {@code tail} (a window of the final EDGE bytes). */
    private static void keepTail(byte[] tail, byte[] chunk, int start, int count) {
        if (count >= tail.length) {
            System.arraycopy(chunk, start + count - tail.length, tail, 0, tail.length);
        } else {
            System.arraycopy(tail, count, tail, 0, tail.length - count);
            System.arraycopy(chunk, start, tail, tail.length - count, count);
        }
    }

    private static Line finish(ByteArrayOutputStream line, long length, boolean over, byte[] head, byte[] tail) {
        if (over) {
            return new Line(null, length, new String(head, StandardCharsets.UTF_8),
                    new String(tail, StandardCharsets.UTF_8).replace("\0", ""));
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return new Line(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text, length, null, null);
    }
}
