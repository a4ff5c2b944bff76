package io.k3mcp.engine.session;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Turns generated token pieces into text: bytes are decoded only once a UTF-8 sequence is complete
 * (byte-fallback tokens split characters), stop strings are found even when they span tokens, and
 * text that might still become a stop string is held back from the deltas handed to listeners.
 */
final class TextAssembler {
    private final List<String> stops;
    private byte[] bytes = new byte[256];
    private int nBytes;
    private int decodedBytes;
    private final StringBuilder text = new StringBuilder();
    private int emitted;
    private int stopAt = -1;

    TextAssembler(List<String> stops) {
        this.stops = stops;
    }

    /** Adds a token's piece; returns the text that became final (empty when held back). */
    String add(byte[] piece) {
        if (stopAt >= 0) {
            throw new IllegalStateException("text already ended at a stop string");
        }
        if (nBytes + piece.length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, nBytes + piece.length));
        }
        System.arraycopy(piece, 0, bytes, nBytes, piece.length);
        nBytes += piece.length;
        int before = text.length();
        int complete = completeLength();
        text.append(new String(bytes, decodedBytes, complete - decodedBytes, StandardCharsets.UTF_8));
        decodedBytes = complete;
        int found = findStop(before);
        if (found >= 0) {
            stopAt = found;
            return take(found);
        }
        return take(text.length() - heldBack());
    }

    /** True once a stop string was found. */
    boolean stopped() {
        return stopAt >= 0;
    }

    /** Ends the text (no stop string): flushes held-back text and any incomplete bytes (as U+FFFD). */
    String finish() {
        if (stopAt >= 0) {
            return "";
        }
        text.append(new String(bytes, decodedBytes, nBytes - decodedBytes, StandardCharsets.UTF_8));
        decodedBytes = nBytes;
        return take(text.length());
    }

    /** The text so far, cut before the stop string when one was found. */
    String text() {
        return stopAt >= 0 ? text.substring(0, stopAt) : text.toString();
    }

    private String take(int end) {
        if (end <= emitted) {
            return "";
        }
        String delta = text.substring(emitted, end);
        emitted = end;
        return delta;
    }

    /** Earliest start of a stop string that ends in text added since {@code before}, or -1. */
    private int findStop(int before) {
        int best = -1;
        for (String s : stops) {
            int i = text.indexOf(s, Math.max(0, before - s.length() + 1));
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    /** Length of the longest text suffix (not yet emitted) that is a proper prefix of a stop string. */
    private int heldBack() {
        int hold = 0;
        int available = text.length() - emitted;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, available); k > hold; k--) {
                if (endsWith(s, k)) {
                    hold = k;
                    break;
                }
            }
        }
        return hold;
    }

    private boolean endsWith(String s, int k) {
        int base = text.length() - k;
        for (int i = 0; i < k; i++) {
            if (text.charAt(base + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Bytes up to the start of a trailing UTF-8 sequence that is still incomplete. */
    private int completeLength() {
        for (int back = 1; back <= Math.min(3, nBytes - decodedBytes); back++) {
            int b = bytes[nBytes - back] & 0xff;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead byte
            }
            int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return need > back ? nBytes - back : nBytes;
        }
        return nBytes;
    }
}
