package io.k3mcp.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Allocation and slicing of the direct little-endian buffers that {@link Kernels} takes. */
public final class Buffers {
    private Buffers() {
    }

    /** A zeroed direct float buffer of n elements, native-endian as the kernels expect. */
    public static FloatBuffer floats(int n) {
        return bytes((long) n * Float.BYTES).asFloatBuffer();
    }

    /** A zeroed direct little-endian byte buffer. */
    public static ByteBuffer bytes(long n) {
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer of " + n + " bytes is out of range");
        }
        return ByteBuffer.allocateDirect((int) n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The n floats starting at element {@code from}. */
    public static FloatBuffer slice(FloatBuffer b, int from, int n) {
        return b.slice(from, n);
    }

    /** The n bytes starting at byte {@code from}, little-endian. */
    public static ByteBuffer slice(ByteBuffer b, long from, long n) {
        if (from < 0 || n < 0 || from + n > b.capacity()) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + (from + n) + ") of " + b.capacity() + " bytes");
        }
        return b.slice((int) from, (int) n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
