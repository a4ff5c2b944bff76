package io.k3mcp.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A BPE pre-tokenizer: split passes run one after another, each refining the pieces of the previous
 * one (llama.cpp's unicode_regex_split), then every piece becomes a word for the BPE merges.
 */
final class PreTokenizer {
    private final List<SplitStage> stages;

    PreTokenizer(List<SplitStage> stages) {
        this.stages = List.copyOf(stages);
    }

    /** The words of {@code text}, in order; they concatenate to {@code text}. */
    List<String> split(String text) {
        PreText pre = new PreText(text);
        IntList lengths = new IntList();
        lengths.add(pre.cps.length);
        for (SplitStage stage : stages) {
            IntList next = new IntList();
            int start = 0;
            for (int i = 0; i < lengths.size(); i++) {
                int len = lengths.get(i);
                stage.split(pre, start, len, next);
                start += len;
            }
            lengths = next;
        }
        List<String> words = new ArrayList<>(lengths.size());
        int start = 0;
        for (int i = 0; i < lengths.size(); i++) {
            int len = lengths.get(i);
            words.add(new String(pre.cps, start, len));
            start += len;
        }
        return words;
    }
}
