package io.k3mcp.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated token ids into text as they arrive, returning only complete UTF-8 characters: a
 * character whose bytes are split over several byte tokens is held until its last byte comes.
 * The text adds up to {@link Tokenizer#decode} of the same ids (what llama.cpp reports as the
 * generated text): the space add_space_prefix implies comes off the first token, and CONTROL tokens
 * add nothing unless {@code renderSpecial}. Only decode's clean-up of spaces before punctuation
 * (llama-bpe and a few other BPE presets) is not applied, as it needs to see the text that follows.
 * Invalid bytes become U+FFFD; {@link #flush} releases whatever is held.
 * Not thread-safe: one instance per generation.
 */
public final class StreamingDetokenizer {
    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean first = true;

    public StreamingDetokenizer(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** Adds one token; returns the text that became complete (often empty, never a partial character). */
    public String accept(int id) {
        byte[] piece = renderSpecial ? tokenizer.pieceBytes(id) : tokenizer.textBytes(id);
        int skip = first && tokenizer.addSpacePrefix() && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
        first = false;
        pending.write(piece, skip, piece.length - skip);
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
