package io.k3mcp.engine.embed.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protobuf wire-format reader over one message's bytes: a field is a varint key
 * ({@code number << 3 | wireType}) then a varint (0), 8 bytes (1), a length-delimited run (2) or 4 bytes (5).
 * Every read is bounds-checked and an error names the absolute offset and what was being read.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer buf;
    private final long base;
    private final String what;
    private int pos;
    private int field;
    private int wireType;
    private int lastStart;

    /** Reads {@code buf} from its position to its limit; {@code base} is the absolute offset of index 0. */
    ProtoReader(ByteBuffer buf, long base, String what) {
        this.buf = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.base = base + buf.position();
        this.what = what;
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
        if (pos >= buf.limit()) {
            return false;
        }
        long key = varint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (field == 0) {
            throw error("field number 0");
        }
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            need(1, "varint");
            byte b = buf.get(pos++);
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw error("varint longer than 10 bytes");
    }

    float fixed32Float() {
        expect(FIXED32);
        need(4, "fixed32");
        float f = buf.getFloat(pos);
        pos += 4;
        return f;
    }

    /** The current length-delimited field as a reader of its own. */
    ProtoReader message(String name) {
        ByteBuffer b = bytes();
        return new ProtoReader(b, base + lastStart, what + "." + name);
    }

    /** The current length-delimited field's bytes (a view, not a copy). */
    ByteBuffer bytes() {
        expect(LENGTH_DELIMITED);
        long len = varint();
        if (len < 0 || len > buf.limit() - pos) {
            throw error("length " + len + " runs past the end of the enclosing message (" + (buf.limit() - pos) + " bytes left)");
        }
        ByteBuffer b = buf.slice(pos, (int) len).order(ByteOrder.LITTLE_ENDIAN);
        lastStart = pos;
        pos += (int) len;
        return b;
    }

    /** Absolute offset of the start of the bytes the last {@link #bytes} call returned. */
    long lastOffset() {
        return base + lastStart;
    }

    String string() {
        ByteBuffer b = bytes();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    /** A repeated varint field, packed (one run) or not (one element per key); appends to {@code out}. */
    void int64s(LongList out) {
        if (wireType == VARINT) {
            out.add(varint());
            return;
        }
        ByteBuffer run = bytes();
        ProtoReader packed = new ProtoReader(run, base + lastStart, what);
        while (packed.pos < packed.buf.limit()) {
            out.add(packed.varint());
        }
    }

    /** Skips the current field's value. */
    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> bytes();
            case FIXED32 -> advance(4);
            default -> throw error("unsupported wire type " + wireType + " for field " + field);
        }
    }

    private void advance(int n) {
        need(n, "fixed field");
        pos += n;
    }

    private void expect(int type) {
        if (wireType != type) {
            throw error("field " + field + " has wire type " + wireType + ", expected " + type);
        }
    }

    private void need(int n, String reading) {
        if (pos + n > buf.limit()) {
            throw error("truncated " + reading);
        }
    }

    OnnxFormatException error(String message) {
        return new OnnxFormatException(what + " at byte " + (base + pos) + ": " + message);
    }

    /** A growable list of longs (repeated int64 fields without boxing). */
    static final class LongList {
        private long[] values = new long[4];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
