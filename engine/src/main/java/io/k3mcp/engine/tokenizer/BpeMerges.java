package io.k3mcp.engine.tokenizer;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The merge loop of llama.cpp's llm_tokenizer_bpe: a word starts as one symbol per code point and the
 * adjacent pair with the lowest merge rank is merged until no pair has a rank (equal ranks: leftmost
 * first). Shared by GPT-2 byte-level BPE and Gemma 4's BPE over SentencePiece-style pieces.
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

    private record Bigram(int left, int right, int rank, int size) {
    }

    /** Hands the word's final symbols to {@code sink}, in order. */
    void merge(String word, Consumer<String> sink) {
        int n = word.length();
        if (n == 0) {
            return;
        }
        // symbols are indexed by their first char; a surrogate pair is one symbol
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        int last = -1;
        for (int i = 0; i < n; i += len[i]) {
            len[i] = Character.charCount(word.codePointAt(i));
            prev[i] = last;
            if (last >= 0) {
                next[last] = i;
            }
            last = i;
        }
        next[last] = -1;
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) ->
                a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 0; next[i] != -1; i = next[i]) {
            addBigram(word, len, i, next[i], queue);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            int l = b.left;
            int r = b.right;
            // a symbol's start never moves, so equal lengths mean the pair still spells the same text
            if (len[l] == 0 || len[r] == 0 || len[l] + len[r] != b.size) {
                continue;
            }
            len[l] += len[r];
            len[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            addBigram(word, len, prev[l], l, queue);
            addBigram(word, len, l, next[l], queue);
        }
        for (int i = 0; i != -1; i = next[i]) {
            sink.accept(word.substring(i, i + len[i]));
        }
    }

    private void addBigram(String word, int[] len, int left, int right, PriorityQueue<Bigram> queue) {
        if (left == -1 || right == -1) {
            return;
        }
        String key = word.substring(left, left + len[left]) + ' ' + word.substring(right, right + len[right]);
        Integer rank = ranks.get(key);
        if (rank != null) {
            queue.add(new Bigram(left, right, rank, len[left] + len[right]));
        }
    }
}
