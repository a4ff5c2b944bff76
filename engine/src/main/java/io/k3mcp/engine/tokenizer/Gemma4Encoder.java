package io.k3mcp.engine.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Gemma 4's tokenizer ({@code tokenizer.ggml.model = gemma4}) as llama.cpp v0.5.0 runs it: BPE merges
 * over SentencePiece-style pieces. Spaces become {@code ▁}, the text is split only into runs of
 * non-newlines and runs of newlines (a newline run that is itself a token is taken whole), each run is
 * merged over its raw code points (no GPT-2 byte alphabet), and a symbol missing from the vocab falls
 * back to the {@code <0xXX>} tokens of its UTF-8 bytes.
 */
final class Gemma4Encoder implements FragmentEncoder {
    private static final char SPACE_MARK = '\u2581';

    private final Vocab vocab;
    private final BpeMerges merges;
    private final int[] byteTokens = new int[256];

    Gemma4Encoder(Vocab vocab, String[] merges) {
        this.vocab = vocab;
        this.merges = new BpeMerges(merges);
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = vocab.id(String.format("<0x%02X>", b));
        }
    }

    @Override
    public void encode(String text, boolean afterSpecial, IntList out) {
        String escaped = text.replace(' ', SPACE_MARK);
        int start = 0;
        while (start < escaped.length()) {
            boolean newlines = escaped.charAt(start) == '\n';
            int end = start + 1;
            while (end < escaped.length() && (escaped.charAt(end) == '\n') == newlines) {
                end++;
            }
            String run = escaped.substring(start, end);
            int whole = newlines ? vocab.id(run) : -1;
            if (whole >= 0) {
                out.add(whole);
            } else {
                merges.merge(run, symbol -> emitSymbol(symbol, out));
            }
            start = end;
        }
    }

    private void emitSymbol(String symbol, IntList out) {
        int id = vocab.id(symbol);
        if (id >= 0) {
            out.add(id);
            return;
        }
        // like llama.cpp, a byte without its <0xXX> token is dropped
        for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
            int token = byteTokens[b & 0xFF];
            if (token >= 0) {
                out.add(token);
            }
        }
    }
}
