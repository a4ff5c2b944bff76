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

    private record Bigram(int left, int right, float score, int span) {
    }

    /** One merge run over a text, on a {@link SymbolChain} as in llama.cpp. */
    private final class Session {
        private final SymbolChain chain;
        private final PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> {
            if (a.score != b.score) {
                return a.score > b.score ? -1 : 1;
            }
            return Integer.compare(a.left, b.left);
        });
        private final Map<String, int[]> revMerge = new HashMap<>();

        Session(String text) {
            this.chain = new SymbolChain(text);
        }

        void run(IntList out) {
            for (int i = 1; i < chain.size(); i++) {
                tryAddBigram(i - 1, i);
            }
            while (!queue.isEmpty()) {
                Bigram b = queue.poll();
                if (chain.merge(b.left, b.right, b.span)) {
                    tryAddBigram(chain.prev(b.left), b.left);
                    tryAddBigram(b.left, chain.next(b.left));
                }
            }
            for (int i = chain.first(); i != -1; i = chain.next(i)) {
                resegment(i, out);
            }
        }

        private void tryAddBigram(int left, int right) {
            if (left == -1 || right == -1) {
                return;
            }
            String piece = chain.joined(left, right);
            int id = vocab.id(piece);
            if (id < 0) {
                return;
            }
            queue.add(new Bigram(left, right, vocab.score(id), chain.span(left, right)));
            revMerge.put(piece, new int[] {left, right});
        }

        private void resegment(int symbol, IntList out) {
            String piece = chain.piece(symbol);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
                return;
            }
            int[] parts = revMerge.get(piece);
            if (parts == null) {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    out.add(byteTokens[b & 0xFF]);
                }
                return;
            }
            resegment(parts[0], out);
            resegment(parts[1], out);
        }
    }

    /**
     * The {@code <0xXX>} token of a byte, else the byte as a one-character token, else the unknown
     * token (llama.cpp would abort there; SentencePiece vocabs always have one, id 0 by default).
     */
    private int findByteToken(int b) {
        int id = vocab.id(String.format("<0x%02X>", b));
        if (id < 0 && b < 0x80) {
            id = vocab.id(String.valueOf((char) b));
        }
        return id >= 0 ? id : vocab.special().unk();
    }
}
