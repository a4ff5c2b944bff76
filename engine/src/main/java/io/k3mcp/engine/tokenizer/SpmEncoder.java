package io.k3mcp.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * SentencePiece BPE as llama.cpp does it (llm_tokenizer_spm): spaces become {@code ▁} (with one
 * prepended when add_space_prefix is set and the fragment starts the text or follows a special
 * token), the text is split into characters, and the adjacent pair whose concatenation is the
 * highest-scoring vocab entry is merged until no pair is in the vocab (equal scores: leftmost
 * first). A piece that is not a token is spelled with byte tokens {@code <0xXX>}.
 */
final class SpmEncoder implements FragmentEncoder {
    private static final char SPACE_MARK = '\u2581';

    private final Vocab vocab;
    private final int[] byteTokens = new int[256];

    SpmEncoder(Vocab vocab) {
        this.vocab = vocab;
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = findByteToken(b);
        }
    }

    @Override
    public void encode(String fragment, boolean afterSpecial, IntList out) {
        String text = vocab.flags().addSpacePrefix() && afterSpecial ? " " + fragment : fragment;
        if (!text.isEmpty()) {
            new Session(text.replace(' ', SPACE_MARK)).run(out);
        }
    }

    private record Bigram(int left, int right, float score, int size) {
    }

    /** One merge run over a text; symbols are code point runs linked in a list, as in llama.cpp. */
    private final class Session {
        private final String text;
        private final int[] start;
        private final int[] len;
        private final int[] prev;
        private final int[] next;
        private final PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> {
            if (a.score != b.score) {
                return a.score > b.score ? -1 : 1;
            }
            return Integer.compare(a.left, b.left);
        });
        private final Map<String, int[]> revMerge = new HashMap<>();

        Session(String text) {
            this.text = text;
            int n = text.codePointCount(0, text.length());
            start = new int[n];
            len = new int[n];
            prev = new int[n];
            next = new int[n];
            int off = 0;
            for (int i = 0; i < n; i++) {
                int cl = Character.charCount(text.codePointAt(off));
                start[i] = off;
                len[i] = cl;
                prev[i] = i - 1;
                off += cl;
                next[i] = off == text.length() ? -1 : i + 1;
            }
        }

        void run(IntList out) {
            for (int i = 1; i < start.length; i++) {
                tryAddBigram(i - 1, i);
            }
            while (!queue.isEmpty()) {
                Bigram b = queue.poll();
                int l = b.left;
                int r = b.right;
                // skip pairs made stale by an earlier merge
                if (len[l] == 0 || len[r] == 0 || len[l] + len[r] != b.size) {
                    continue;
                }
                len[l] += len[r];
                len[r] = 0;
                next[l] = next[r];
                if (next[r] >= 0) {
                    prev[next[r]] = l;
                }
                tryAddBigram(prev[l], l);
                tryAddBigram(l, next[l]);
            }
            for (int i = 0; i != -1; i = next[i]) {
                resegment(i, out);
            }
        }

        private void tryAddBigram(int left, int right) {
            if (left == -1 || right == -1) {
                return;
            }
            String piece = text.substring(start[left], start[left] + len[left] + len[right]);
            int id = vocab.id(piece);
            if (id < 0) {
                return;
            }
            queue.add(new Bigram(left, right, vocab.score(id), piece.length()));
            revMerge.put(piece, new int[] {left, right});
        }

        private void resegment(int symbol, IntList out) {
            String piece = text.substring(start[symbol], start[symbol] + len[symbol]);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
                return;
            }
            int[] parts = revMerge.get(piece);
            if (parts == null) {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    out.add(byteToken(b & 0xFF));
                }
                return;
            }
            resegment(parts[0], out);
            resegment(parts[1], out);
        }
    }

    /** The {@code <0xXX>} token of a byte, else the byte as a one-character token, else the unknown token. */
    private int findByteToken(int b) {
        int id = vocab.id(String.format("<0x%02X>", b));
        if (id < 0 && b < 0x80) {
            id = vocab.id(String.valueOf((char) b));
        }
        if (id < 0) {
            id = vocab.special().unk();
        }
        return id >= 0 && id < vocab.size() ? id : -1;
    }

    private int byteToken(int b) {
        if (byteTokens[b] < 0) {
            throw new TokenizerException(String.format(
                    "cannot encode byte 0x%02X: the vocabulary has no <0x%02X> token and no unknown token", b, b));
        }
        return byteTokens[b];
    }
}
