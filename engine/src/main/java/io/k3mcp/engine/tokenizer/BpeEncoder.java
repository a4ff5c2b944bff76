package io.k3mcp.engine.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * GPT-2 style byte-level BPE as llama.cpp does it (llm_tokenizer_bpe): the pre-tokenizer splits the
 * text into words, each word's UTF-8 bytes are spelled in GPT-2's byte alphabet, and the adjacent
 * pair with the lowest merge rank is merged until no pair has a rank (equal ranks: leftmost first).
 * With ignore_merges a word that is itself a vocab entry is emitted whole.
 */
final class BpeEncoder implements FragmentEncoder {
    static final String MERGES = "tokenizer.ggml.merges";

    private final Vocab vocab;
    private final BpePreset preset;
    /** Merge rank by "left right" (the merge line); the first occurrence of a pair wins. */
    private final Map<String, Integer> ranks;

    BpeEncoder(Vocab vocab, BpePreset preset, String[] merges) {
        this.vocab = vocab;
        this.preset = preset;
        this.ranks = new HashMap<>(merges.length * 2);
        for (int i = 0; i < merges.length; i++) {
            // llama.cpp splits at the first space after the first character
            if (merges[i].indexOf(' ', 1) > 0) {
                ranks.putIfAbsent(merges[i], i);
            }
        }
    }

    int mergeCount() {
        return ranks.size();
    }

    @Override
    public void encode(String text, boolean afterSpecial, IntList out) {
        List<String> words = preset.preTokenizer().split(text);
        for (String word : words) {
            encodeWord(ByteUnicode.encode(word), out);
        }
    }

    private record Bigram(int left, int right, int rank, int size) {
    }

    private void encodeWord(String word, IntList out) {
        if (preset.ignoreMerges()) {
            int whole = vocab.id(word);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        // every char of a byte-spelled word is one symbol (the alphabet is U+0021..U+0143)
        int n = word.length();
        if (n == 0) {
            return;
        }
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            len[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 == n ? -1 : i + 1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) ->
                a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            addBigram(word, len, i - 1, i, queue);
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
            emitSymbol(word.substring(i, i + len[i]), out);
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

    /** A symbol missing from the vocab falls back to its single-byte tokens, as llama.cpp does. */
    private void emitSymbol(String symbol, IntList out) {
        int id = vocab.id(symbol);
        if (id >= 0) {
            out.add(id);
            return;
        }
        for (int i = 0; i < symbol.length(); i++) {
            char c = symbol.charAt(i);
            int single = c < 0x80 ? vocab.id(String.valueOf(c)) : -1;
            if (single >= 0) {
                out.add(single);
            }
        }
    }
}
