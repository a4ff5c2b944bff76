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
    /** One line: its text, or null with the length seen when it was over the cap. */
    record Line(String text, long length) {
        boolean tooLong() {
            return text == null;
        }
    }

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
        long length = 0;
        boolean over = false;
        while (true) {
            if (pos == end) {
                end = in.read(buffer);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    return length == 0 ? null : finish(line, length, over);
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
                line.reset();
            }
            if (!over) {
                line.write(buffer, start, chunk);
            }
            if (pos < end) {
                pos++;
                return finish(line, length, over);
            }
        }
    }

    private static Line finish(ByteArrayOutputStream line, long length, boolean over) {
        if (over) {
            return new Line(null, length);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return new Line(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text, length);
    }
}
