package io.k3mcp.engine.testing;

import java.nio.charset.StandardCharsets;

/** Finding a field in a file's bytes, for the tests that mutate one in place. */
public final class Bytes {
    private Bytes() {
    }

    /** The offset of the first occurrence of {@code needle}'s UTF-8 bytes in {@code hay}; fails the test when absent. */
    public static int indexOf(byte[] hay, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i <= hay.length - n.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (hay[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(needle + " not in file");
    }
}
