package io.k3mcp.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated token ids into text as they arrive, returning only complete UTF-8 characters: a
 * character whose bytes are split over several byte tokens is held until its last byte comes.
 * Pieces are concatenated as llama.cpp's server streams them: no leading-space strip (a generated
 * token's space is real text) and no space clean-up. CONTROL tokens add nothing unless
 * {@code renderSpecial}. Invalid bytes become U+FFFD; {@link #flush} releases whatever is held.
 * Not thread-safe: one instance per generation.
 */
public final class StreamingDetokenizer {
    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public StreamingDetokenizer(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** Adds one token; returns the text that became complete (often empty, never a partial character). */
    public String accept(int id) {
        pending.writeBytes(renderSpecial ? tokenizer.pieceBytes(id) : tokenizer.textBytes(id));
        byte[] bytes = pending.toByteArray();
        int ready = completePrefix(bytes);
        pending.reset();
        pending.write(bytes, ready, bytes.length - ready);
        return new String(bytes, 0, ready, StandardCharsets.UTF_8);
    }

    /** Ends the stream: returns everything still held (an unfinished character as U+FFFD). */
    public String flush() {
        byte[] bytes = pending.toByteArray();
        pending.reset();
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether bytes of an unfinished character are held. */
    public boolean hasPending() {
        return pending.size() > 0;
    }

    /**
     * The length of the prefix that can be decoded now: everything but a trailing lead byte whose
     * continuation bytes have not all arrived yet (and those that have).
     */
    static int completePrefix(byte[] b) {
        int n = b.length;
        int lead = n - 1;
        while (lead >= 0 && lead >= n - 4 && (b[lead] & 0xC0) == 0x80) {
            lead--;
        }
        if (lead < 0 || lead < n - 4) {
            return n;
        }
        int need = sequenceLength(b[lead] & 0xFF);
        return need > n - lead ? lead : n;
    }

    private static int sequenceLength(int lead) {
        if (lead >= 0xF0 && lead <= 0xF4) {
            return 4;
        }
        if (lead >= 0xE0) {
            return lead <= 0xEF ? 3 : 1;
        }
        return lead >= 0xC2 ? 2 : 1;
    }
}
