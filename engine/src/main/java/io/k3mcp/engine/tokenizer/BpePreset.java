package io.k3mcp.engine.tokenizer;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What {@code tokenizer.ggml.pre} selects for a GPT-2 style BPE vocab, as in llama_vocab::load: the
 * pre-tokenizer passes, whether a pre-token that is itself a vocab entry skips the merges
 * ({@code ignoreMerges}), whether decoding cleans up spaces before punctuation ({@code cleanSpaces}),
 * the default add-BOS flag, and whether the vocab has a BOS token at all.
 */
record BpePreset(String name, PreTokenizer preTokenizer, boolean ignoreMerges, boolean cleanSpaces,
                 boolean addBos, boolean hasBos) {

    static final String DEFAULT_REGEX_PUNCT = "[\\p{P}\\$\\+<=>\\^~\\|]+";
    static final String QWEN2_REGEX = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private enum Split {
        DEFAULT(() -> List.of(new RegexSplit(DEFAULT_REGEX_PUNCT), Gpt2Split.INSTANCE,
                new RegexSplit("\\p{N}+"), new RegexSplit("[0-9][0-9][0-9]"))),
        LLAMA3(() -> List.of(Llama3Split.INSTANCE)),
        GPT2(() -> List.of(Gpt2Split.INSTANCE)),
        QWEN2(() -> List.of(new RegexSplit(QWEN2_REGEX))),
        STARCODER(() -> List.of(new RegexSplit("\\p{N}"), Gpt2Split.INSTANCE)),
        FALCON(() -> List.of(new RegexSplit("[\\p{P}\\$\\+<=>\\^~\\|`]+"), Gpt2Split.INSTANCE,
                new RegexSplit("[0-9][0-9][0-9]")));

        final Supplier<List<SplitStage>> stages;

        Split(Supplier<List<SplitStage>> stages) {
            this.stages = stages;
        }
    }

    /** Flags beside the split passes; llama.cpp's defaults for BPE are clean spaces on, the rest off. */
    private record Entry(Split split, boolean ignoreMerges, boolean cleanSpaces, boolean addBos, boolean hasBos) {
        static Entry of(Split split, boolean cleanSpaces) {
            return new Entry(split, false, cleanSpaces, false, true);
        }
    }

    private static final Entry LLAMA3 = new Entry(Split.LLAMA3, true, true, true, true);

    private static final Map<String, Entry> PRESETS = Map.ofEntries(
            Map.entry("default", Entry.of(Split.DEFAULT, true)),
            Map.entry("llama3", LLAMA3), Map.entry("llama-v3", LLAMA3), Map.entry("llama-bpe", LLAMA3),
            Map.entry("falcon3", LLAMA3), Map.entry("falcon-h1", LLAMA3), Map.entry("pixtral", LLAMA3),
            Map.entry("midm-2.0", LLAMA3), Map.entry("lfm2", LLAMA3),
            Map.entry("dbrx", Entry.of(Split.LLAMA3, true)), Map.entry("smaug-bpe", Entry.of(Split.LLAMA3, true)),
            Map.entry("chatglm-bpe", new Entry(Split.LLAMA3, false, true, false, false)),
            Map.entry("glm4", new Entry(Split.LLAMA3, false, true, false, false)),
            // "gpt2" is not a llama.cpp name (its converter writes "gpt-2"); accepted as the same thing
            Map.entry("gpt-2", Entry.of(Split.GPT2, true)), Map.entry("gpt2", Entry.of(Split.GPT2, true)),
            Map.entry("phi-2", Entry.of(Split.GPT2, true)), Map.entry("jina-es", Entry.of(Split.GPT2, true)),
            Map.entry("jina-de", Entry.of(Split.GPT2, true)), Map.entry("gigachat", Entry.of(Split.GPT2, true)),
            Map.entry("jina-v2-es", Entry.of(Split.GPT2, true)), Map.entry("jina-v2-de", Entry.of(Split.GPT2, true)),
            Map.entry("a.x-4.0", Entry.of(Split.GPT2, true)), Map.entry("mellum", Entry.of(Split.GPT2, true)),
            Map.entry("modern-bert", Entry.of(Split.GPT2, true)), Map.entry("exaone4", Entry.of(Split.GPT2, true)),
            Map.entry("mpt", Entry.of(Split.GPT2, true)), Map.entry("olmo", Entry.of(Split.GPT2, true)),
            Map.entry("jais", Entry.of(Split.GPT2, true)), Map.entry("trillion", Entry.of(Split.GPT2, false)),
            Map.entry("granite-docling", Entry.of(Split.GPT2, false)),
            Map.entry("qwen2", Entry.of(Split.QWEN2, false)), Map.entry("deepseek-r1-qwen", Entry.of(Split.QWEN2, false)),
            Map.entry("kormo", Entry.of(Split.QWEN2, false)), Map.entry("hunyuan", Entry.of(Split.QWEN2, false)),
            Map.entry("solar-open", Entry.of(Split.QWEN2, false)), Map.entry("megrez", Entry.of(Split.QWEN2, true)),
            Map.entry("stablelm2", Entry.of(Split.QWEN2, true)),
            Map.entry("starcoder", Entry.of(Split.STARCODER, true)), Map.entry("refact", Entry.of(Split.STARCODER, true)),
            Map.entry("codeshell", Entry.of(Split.STARCODER, true)), Map.entry("exaone", Entry.of(Split.STARCODER, true)),
            Map.entry("minerva-7b", Entry.of(Split.STARCODER, true)),
            Map.entry("command-r", Entry.of(Split.STARCODER, false)), Map.entry("smollm", Entry.of(Split.STARCODER, false)),
            Map.entry("falcon", Entry.of(Split.FALCON, true)));

    /** The preset for a {@code tokenizer.ggml.pre} value; an unsupported name is an error naming it. */
    static BpePreset forName(String pre) {
        Entry e = PRESETS.get(pre);
        if (e == null) {
            throw new TokenizerException("unsupported BPE pre-tokenizer 'tokenizer.ggml.pre' = '" + pre
                    + "' (supported: " + String.join(", ", new java.util.TreeSet<>(PRESETS.keySet())) + ")");
        }
        return new BpePreset(pre, new PreTokenizer(e.split().stages.get()), e.ignoreMerges(), e.cleanSpaces(),
                e.addBos(), e.hasBos());
    }
}
