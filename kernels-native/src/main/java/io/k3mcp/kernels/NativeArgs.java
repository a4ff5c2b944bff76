package io.k3mcp.kernels;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Argument checks and buffer addresses for the native calls: nothing reaches C unchecked. */
final class NativeArgs {
    private NativeArgs() {
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * The same, the message built only when the check fails: the kernels' checks run on every call, and
     * concatenating a message each time cost the hot path its strings and C2 long compiles of the callers.
     */
    static void check(boolean ok, java.util.function.Supplier<String> message) {
        if (!ok) {
            throw new IllegalArgumentException(message.get());
        }
    }

    /** The address of element 0 of a direct buffer holding at least {@code needed} elements. */
    static long addr(Buffer b, long needed, String what) {
        if (b == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (!b.isDirect()) {
            throw new IllegalArgumentException(what + " is not a direct buffer");
        }
        if (b instanceof FloatBuffer f && f.order() != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException(what + " is not in native byte order");
        }
        if (b.capacity() < needed) {
            throw new IllegalArgumentException(what + " holds " + b.capacity() + (b instanceof ByteBuffer ? " bytes" : " elements")
                + ", needs " + needed);
        }
        return Pointer.nativeValue(Native.getDirectBufferPointer(b));
    }

    /**
     * As {@link #addr}, for a buffer the C side writes: a read-only buffer (a view, or a tensor mapped read-only
     * from the model file) is refused, since C would write through it regardless (into a read-only mapping that
     * is a crash of the JVM).
     */
    static long outAddr(Buffer b, long needed, String what) {
        long address = addr(b, needed, what);
        if (b.isReadOnly()) {
            throw new IllegalArgumentException(what + " is read-only, but the kernel writes it");
        }
        return address;
    }

    /** As {@link #addr}, but null gives 0 (an optional argument such as a norm's weight). */
    static long addrOrNull(Buffer b, long needed, String what) {
        return b == null ? 0L : addr(b, needed, what);
    }
}
