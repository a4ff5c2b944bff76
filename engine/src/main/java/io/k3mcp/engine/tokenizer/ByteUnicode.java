package io.k3mcp.engine.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte-to-unicode alphabet: printable bytes (0x21-0x7E, 0xA1-0xAC, 0xAE-0xFF) stand for
 * themselves, the other 68 bytes for U+0100..U+0143 in byte order (space is {@code Ġ} U+0120).
 */
final class ByteUnicode {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) next++;
        }
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private ByteUnicode() {
    }

    /** The UTF-8 bytes of {@code text}, each spelled as its GPT-2 character. */
    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /** The byte a GPT-2 character stands for, or -1 when it is not in the alphabet. */
    static int byteOf(int cp) {
        return cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
    }
}
