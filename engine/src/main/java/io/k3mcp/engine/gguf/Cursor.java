package io.k3mcp.engine.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Sequential little-endian reads from a file with a refilled window, tracking the absolute offset
 * so every error can say where it happened. Reading past the end is a truncation error naming the field.
 */
final class Cursor {
    private static final int WINDOW = 1 << 20;

    private final FileChannel channel;
    private final Path file;
    private final long size;
    private final ByteBuffer buf = ByteBuffer.allocate(WINDOW).order(ByteOrder.LITTLE_ENDIAN);
    private long bufStart;

    Cursor(FileChannel channel, Path file) throws IOException {
        this.channel = channel;
        this.file = file;
        this.size = channel.size();
        buf.limit(0);
    }

    long offset() {
        return bufStart + buf.position();
    }

    long size() {
        return size;
    }

    long remaining() {
        return size - offset();
    }

    GgufException error(String what) {
        return GgufException.at(file, offset(), what);
    }

    /** An error about the field that starts at {@code at}, already read past. */
    GgufException errorAt(long at, String what) {
        return GgufException.at(file, at, what);
    }

    private void need(int n, String field) throws IOException {
        if (buf.remaining() >= n) {
            return;
        }
        if (remaining() < n) {
            throw error("file truncated while reading " + field + ": needs " + n + " bytes, "
                    + remaining() + " left");
        }
        long pos = offset();
        buf.clear();
        bufStart = pos;
        channel.position(pos);
        while (buf.position() < n) {
            if (channel.read(buf) < 0) {
                throw error("unexpected end of file while reading " + field);
            }
        }
        buf.flip();
    }

    byte u8(String field) throws IOException {
        need(1, field);
        return buf.get();
    }

    short u16(String field) throws IOException {
        need(2, field);
        return buf.getShort();
    }

    int u32(String field) throws IOException {
        need(4, field);
        return buf.getInt();
    }

    long u64(String field) throws IOException {
        need(8, field);
        return buf.getLong();
    }

    float f32(String field) throws IOException {
        need(4, field);
        return buf.getFloat();
    }

    double f64(String field) throws IOException {
        need(8, field);
        return buf.getDouble();
    }

    /** A count (u64) that must be non-negative and fit {@code perItem}-byte items in the rest of the file. */
    long count(String field, int perItem) throws IOException {
        long start = offset();
        long n = u64(field);
        if (n < 0 || n > remaining() / Math.max(1, perItem)) {
            throw GgufException.at(file, start, field + " = " + Long.toUnsignedString(n)
                    + " cannot fit in the " + remaining() + " bytes left in the file");
        }
        return n;
    }

    String string(String field) throws IOException {
        long start = offset();
        long len = u64(field + " length");
        if (len < 0 || len > remaining() || len > Integer.MAX_VALUE - 16) {
            throw GgufException.at(file, start, field + " length " + Long.toUnsignedString(len)
                    + " exceeds the " + remaining() + " bytes left in the file");
        }
        int n = (int) len;
        if (n <= WINDOW) {
            need(n, field);
            String s = new String(buf.array(), buf.arrayOffset() + buf.position(), n, StandardCharsets.UTF_8);
            buf.position(buf.position() + n);
            return s;
        }
        ByteBuffer big = ByteBuffer.allocate(n);
        long pos = offset();
        channel.position(pos);
        while (big.hasRemaining()) {
            if (channel.read(big) < 0) {
                throw error("unexpected end of file while reading " + field);
            }
        }
        bufStart = pos + n;
        buf.limit(0);
        return new String(big.array(), StandardCharsets.UTF_8);
    }
}
