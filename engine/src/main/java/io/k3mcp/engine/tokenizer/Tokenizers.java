package io.k3mcp.engine.tokenizer;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/** Builds the tokenizer a GGUF file describes, chosen by {@code tokenizer.ggml.model}. */
public final class Tokenizers {
    private static final Logger LOG = LoggerFactory.getLogger(Tokenizers.class);
    static final String MODEL = "tokenizer.ggml.model";
    static final String PRE = "tokenizer.ggml.pre";

    private Tokenizers() {
    }

    public static Tokenizer fromGguf(GgufMetadata meta) {
        String model = meta.optString(MODEL).orElseThrow(() ->
                new TokenizerException("metadata '" + MODEL + "' is missing: the file carries no tokenizer"));
        long t0 = System.nanoTime();
        Tokenizer tokenizer = switch (model) {
            case "llama" -> sentencePiece(meta);
            case "gpt2" -> byteLevelBpe(meta);
            case "bert" -> WordPieceTokenizer.fromGguf(meta, "tokenizer metadata");
            case "gemma4" -> gemma4Bpe(meta);
            default -> throw new TokenizerException("unsupported tokenizer model '" + model + "' in '" + MODEL
                    + "' (supported: llama = SentencePiece, gpt2 = byte-level BPE, gemma4 = Gemma 4's BPE over"
                    + " SentencePiece pieces, bert = WordPiece)");
        };
        LOG.debug("tokenizer built model={} n_tokens={} ms={}", model, tokenizer.vocabSize(), (System.nanoTime() - t0) / 1_000_000);
        return tokenizer;
    }

    /** Opens a GGUF file only to read its tokenizer. */
    public static Tokenizer fromFile(Path gguf) throws IOException {
        try (GgufFile file = GgufFile.open(gguf)) {
            return fromGguf(file.metadata());
        }
    }

    private static Tokenizer sentencePiece(GgufMetadata meta) {
        Vocab vocab = VocabLoader.load(meta, VocabDefaults.spm());
        return new VocabTokenizer(vocab, new SpmEncoder(vocab), Pieces.sentencePiece(vocab), false);
    }

    private static Tokenizer byteLevelBpe(GgufMetadata meta) {
        String pre = meta.optString(PRE).orElse("");
        if (pre.isEmpty()) {
            LOG.warn("missing '{}': using the 'default' BPE pre-tokenizer, as llama.cpp does", PRE);
            pre = "default";
        }
        BpePreset preset = BpePreset.forName(pre);
        String[] merges = merges(meta, "gpt2");
        Vocab vocab = VocabLoader.load(meta, VocabDefaults.bpe(preset));
        return new VocabTokenizer(vocab, new BpeEncoder(vocab, preset, merges), Pieces.byteLevel(vocab), preset.cleanSpaces());
    }

    /** Gemma 4: BOS always added (llama.cpp overrides add_bos_token), spaces cleaned on decode as for BPE. */
    private static Tokenizer gemma4Bpe(GgufMetadata meta) {
        String[] merges = merges(meta, "gemma4");
        Vocab vocab = VocabLoader.load(meta, VocabDefaults.gemma4());
        return new VocabTokenizer(vocab, new Gemma4Encoder(vocab, merges), Pieces.sentencePiece(vocab), true);
    }

    private static String[] merges(GgufMetadata meta, String model) {
        String[] merges = meta.stringArray(BpeMerges.KEY);
        if (merges == null) {
            throw new TokenizerException("metadata '" + BpeMerges.KEY + "' is missing: a " + model + " (BPE) tokenizer needs its merges");
        }
        return merges;
    }
}
