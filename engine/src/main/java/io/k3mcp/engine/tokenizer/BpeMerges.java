package io.k3mcp.engine.tokenizer;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The merge loop of llama.cpp's llm_tokenizer_bpe over a {@link SymbolChain}: the adjacent pair with the
 * lowest merge rank is merged until no pair has a rank (equal ranks: leftmost first). Shared by GPT-2
 * byte-level BPE and Gemma 4's BPE over SentencePiece-style pieces.
 */
final class BpeMerges {
    static final String KEY = "tokenizer.ggml.merges";

    /** Merge rank by "left right" (the merge line); the first occurrence of a pair wins. */
    private final Map<String, Integer> ranks;

    BpeMerges(String[] merges) {
        this.ranks = new HashMap<>(merges.length * 2);
        for (int i = 0; i < merges.length; i++) {
            // llama.cpp splits at the first space after the first character
            if (merges[i].indexOf(' ', 1) > 0) {
                ranks.putIfAbsent(merges[i], i);
            }
        }
    }

    private record Bigram(int left, int right, int rank, int span) {
    }

    /** Hands the word's final symbols to {@code sink}, in order. */
    void merge(String word, Consumer<String> sink) {
        SymbolChain chain = new SymbolChain(word);
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) ->
                a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < chain.size(); i++) {
            addBigram(chain, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            if (chain.merge(b.left, b.right, b.span)) {
                addBigram(chain, chain.prev(b.left), b.left, queue);
                addBigram(chain, b.left, chain.next(b.left), queue);
            }
        }
        for (int i = chain.first(); i != -1; i = chain.next(i)) {
            sink.accept(chain.piece(i));
        }
    }

    private void addBigram(SymbolChain chain, int left, int right, PriorityQueue<Bigram> queue) {
        if (left == -1 || right == -1) {
            return;
        }
        Integer rank = ranks.get(chain.piece(left) + ' ' + chain.piece(right));
        if (rank != null) {
            queue.add(new Bigram(left, right, rank, chain.span(left, right)));
        }
    }
}
