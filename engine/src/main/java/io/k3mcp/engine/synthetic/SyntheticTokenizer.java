package io.k3mcp.engine.synthetic;

import io.k3mcp.engine.gguf.GgufValueType;
import io.k3mcp.engine.gguf.GgufWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * A made-up but well-formed vocabulary of the shape's size: llama.cpp loads it and k3mcp's tokenizers
 * can run it. Token strings are synthetic, so real text tokenises into short pieces.
 * <ul>
 *   <li>llama (SentencePiece): {@code <unk> <s> </s>}, the 256 byte tokens {@code <0xXX>}, then
 *       "▁"-prefixed letter strings with falling scores.</li>
 *   <li>gpt2 (byte-level BPE): the 256 GPT-2 byte symbols, then merges of two symbols and of a
 *       pair and a symbol (each merge's result is the next token), then the model family's special
 *       tokens, then {@code [PADn]} up to the vocabulary size.</li>
 * </ul>
 */
final class SyntheticTokenizer {
    private static final int TYPE_NORMAL = 1;
    private static final int TYPE_UNKNOWN = 2;
    private static final int TYPE_CONTROL = 3;
    private static final int TYPE_UNUSED = 5;
    private static final int TYPE_BYTE = 6;

    static final String[] QWEN_SPECIALS = {
        "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
        "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>", "<|vision_end|>",
        "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>", "<tool_call>", "</tool_call>", "<|fim_prefix|>",
        "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>", "<tool_response>",
        "</tool_response>", "<think>", "</think>",
    };
    /** Qwen's real vocabulary ends its merges at 151643; the specials follow. */
    private static final int QWEN_NORMAL = 151643;
    private static final int LLAMA3_SPECIALS = 256;

    private SyntheticTokenizer() {
    }

    static void write(SyntheticShape shape, GgufWriter w) {
        if (shape.tokenizer().equals("llama")) {
            writeSentencePiece(shape.nVocab(), w);
        } else {
            writeBpe(shape, w);
        }
    }

    private static void writeSentencePiece(int nVocab, GgufWriter w) {
        String[] tokens = new String[nVocab];
        float[] scores = new float[nVocab];
        long[] types = new long[nVocab];
        tokens[0] = "<unk>";
        types[0] = TYPE_UNKNOWN;
        tokens[1] = "<s>";
        types[1] = TYPE_CONTROL;
        tokens[2] = "</s>";
        types[2] = TYPE_CONTROL;
        for (int b = 0; b < 256; b++) {
            tokens[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = TYPE_BYTE;
        }
        for (int i = 259; i < nVocab; i++) {
            tokens[i] = "\u2581" + letters(i - 259);
            scores[i] = -(i - 259);
            types[i] = TYPE_NORMAL;
        }
        w.putString("tokenizer.ggml.model", "llama");
        w.putArray("tokenizer.ggml.tokens", GgufValueType.STRING, tokens);
        w.putArray("tokenizer.ggml.scores", GgufValueType.FLOAT32, scores);
        w.putArray("tokenizer.ggml.token_type", GgufValueType.INT32, types);
        w.putU32("tokenizer.ggml.bos_token_id", 1);
        w.putU32("tokenizer.ggml.eos_token_id", 2);
        w.putU32("tokenizer.ggml.unknown_token_id", 0);
        w.putBool("tokenizer.ggml.add_bos_token", true);
    }

    private static void writeBpe(SyntheticShape shape, GgufWriter w) {
        int nVocab = shape.nVocab();
        boolean qwen = "qwen2".equals(shape.preTokenizer());
        List<String> specials = new ArrayList<>();
        if (qwen) {
            specials.addAll(List.of(QWEN_SPECIALS));
        } else {
            specials.add("<|begin_of_text|>");
            specials.add("<|end_of_text|>");
            for (int i = 2; i < LLAMA3_SPECIALS; i++) {
                specials.add(i == 6 ? "<|start_header_id|>" : i == 7 ? "<|end_header_id|>" : i == 9 ? "<|eot_id|>"
                        : "<|reserved_special_token_" + i + "|>");
            }
        }
        int nNormal = qwen ? Math.min(QWEN_NORMAL, nVocab - specials.size()) : nVocab - specials.size();
        if (nNormal < 256) {
            throw new IllegalArgumentException("shape " + shape.name() + ": vocabulary " + nVocab
                    + " too small for 256 byte symbols and " + specials.size() + " special tokens");
        }
        String[] tokens = new String[nVocab];
        long[] types = new long[nVocab];
        String[] symbols = byteSymbols();
        System.arraycopy(symbols, 0, tokens, 0, 256);
        String[] merges = new String[nNormal - 256];
        for (int id = 256; id < nNormal; id++) {
            int k = id - 256;
            String left;
            String right;
            if (k < 256 * 256) {
                left = symbols[k / 256];
                right = symbols[k % 256];
            } else {
                int j = k - 256 * 256;
                left = tokens[256 + j / 256];
                right = symbols[j % 256];
            }
            tokens[id] = left + right;
            merges[k] = left + " " + right;
        }
        java.util.Arrays.fill(types, 0, nNormal, TYPE_NORMAL);
        for (int i = 0; i < specials.size(); i++) {
            tokens[nNormal + i] = specials.get(i);
            types[nNormal + i] = TYPE_CONTROL;
        }
        for (int id = nNormal + specials.size(); id < nVocab; id++) {
            tokens[id] = "[PAD" + id + "]";
            types[id] = TYPE_UNUSED;
        }
        w.putString("tokenizer.ggml.model", "gpt2");
        w.putString("tokenizer.ggml.pre", shape.preTokenizer());
        w.putArray("tokenizer.ggml.tokens", GgufValueType.STRING, tokens);
        w.putArray("tokenizer.ggml.token_type", GgufValueType.INT32, types);
        w.putArray("tokenizer.ggml.merges", GgufValueType.STRING, merges);
        if (qwen) {
            w.putU32("tokenizer.ggml.bos_token_id", nNormal);           // <|endoftext|>
            w.putU32("tokenizer.ggml.eos_token_id", nNormal + 2);       // <|im_end|>
            w.putU32("tokenizer.ggml.padding_token_id", nNormal);
            w.putBool("tokenizer.ggml.add_bos_token", false);
        } else {
            w.putU32("tokenizer.ggml.bos_token_id", nNormal);           // <|begin_of_text|>
            w.putU32("tokenizer.ggml.eos_token_id", nNormal + 9);       // <|eot_id|>
            w.putBool("tokenizer.ggml.add_bos_token", true);
        }
    }

    /** GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the rest map to U+0100 onwards. */
    static String[] byteSymbols() {
        String[] s = new String[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            s[b] = String.valueOf((char) (printable ? b : next++));
        }
        return s;
    }

    /** 0 -> "a", 25 -> "z", 26 -> "aa", ... (bijective base 26, so every string is distinct). */
    static String letters(int n) {
        StringBuilder sb = new StringBuilder();
        int v = n + 1;
        while (v > 0) {
            v--;
            sb.append((char) ('a' + v % 26));
            v /= 26;
        }
        return sb.reverse().toString();
    }
}
