package io.k3mcp.engine.tokenizer;

import io.k3mcp.engine.gguf.GgufMetadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's WordPiece over a GGUF vocabulary ({@code tokenizer.ggml.model = bert}). The GGUF spelling follows
 * llama.cpp's converter: a word-initial piece is stored as {@code ▁piece}, a continuation piece bare (HF's
 * {@code ##piece}), CONTROL tokens ({@code [CLS]}...) unchanged. Each word is split greedily, longest match
 * first; a word with an unmatchable position, or longer than {@value #MAX_WORD_CHARS} characters, becomes
 * {@code [UNK]}. With {@code addSpecial} the ids are wrapped as {@code [CLS] ... [SEP]}.
 */
public final class WordPieceTokenizer implements Tokenizer {
    static final String WORD_START = "\u2581";
    static final int MAX_WORD_CHARS = 100;

    private final String[] tokens;
    private final int[] types;
    private final Map<String, Integer> ids;
    private final List<String> specialsLongestFirst;
    private final BertPreTokenizer preTokenizer = new BertPreTokenizer(true, true);
    private final int unk;
    private final int cls;
    private final int sep;
    private final int eos;
    private final boolean addCls;
    private final boolean addSep;

    WordPieceTokenizer(String[] tokens, int[] types, int unk, int cls, int sep, int eos, boolean addCls, boolean addSep) {
        this.tokens = tokens;
        this.types = types;
        this.unk = unk;
        this.cls = cls;
        this.sep = sep;
        this.eos = eos;
        this.addCls = addCls;
        this.addSep = addSep;
        this.ids = new HashMap<>(tokens.length * 2);
        List<String> specials = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            ids.putIfAbsent(tokens[i], i);
            if (types[i] == TokenType.CONTROL || types[i] == TokenType.USER_DEFINED) {
                specials.add(tokens[i]);
            }
        }
        specials.sort(Comparator.comparingInt(String::length).reversed());
        this.specialsLongestFirst = List.copyOf(specials);
    }

    /** Builds the tokenizer from GGUF metadata; {@code file} names the model in error messages. */
    public static WordPieceTokenizer fromGguf(GgufMetadata md, String file) {
        String[] tokens = md.stringArray("tokenizer.ggml.tokens");
        if (tokens == null || tokens.length == 0) {
            throw new TokenizerException(file + ": tokenizer.ggml.tokens is missing or empty");
        }
        int[] types = md.intArray("tokenizer.ggml.token_type");
        if (types == null) {
            types = new int[tokens.length];
            Arrays.fill(types, TokenType.NORMAL);
        } else if (types.length != tokens.length) {
            throw new TokenizerException(file + ": tokenizer.ggml.token_type has " + types.length + " entries but there are "
                    + tokens.length + " tokens");
        }
        int unk = specialId(md, "tokenizer.ggml.unknown_token_id", 100, tokens.length, file);
        int cls = specialId(md, "tokenizer.ggml.bos_token_id",
                specialId(md, "tokenizer.ggml.cls_token_id", 101, tokens.length, file), tokens.length, file);
        int sep = specialId(md, "tokenizer.ggml.seperator_token_id", 102, tokens.length, file);
        int eos = md.has("tokenizer.ggml.eos_token_id") ? specialId(md, "tokenizer.ggml.eos_token_id", -1, tokens.length, file) : -1;
        boolean addCls = md.getBool("tokenizer.ggml.add_bos_token", true);
        boolean addSep = md.getBool("tokenizer.ggml.add_sep_token", true);
        return new WordPieceTokenizer(tokens, types, unk, cls, sep, eos, addCls, addSep);
    }

    /** The id stored under {@code key}, else BERT's usual {@code fallback}; either must lie in the vocabulary. */
    private static int specialId(GgufMetadata md, String key, int fallback, int vocab, String file) {
        long id = md.optLong(key).orElse(fallback);
        if (id < 0 || id >= vocab) {
            throw new TokenizerException(file + ": " + key + (md.has(key) ? " = " : " is absent and its default ") + id
                    + " is outside the " + vocab + "-token WordPiece vocabulary");
        }
        return (int) id;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        List<Integer> out = new ArrayList<>();
        if (addSpecial && addCls) {
            out.add(cls);
        }
        encodeSegments(text, parseSpecial, out);
        if (addSpecial && addSep) {
            out.add(sep);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Splits around special tokens spelled in the text (CONTROL only with parseSpecial; USER_DEFINED always). */
    private void encodeSegments(String text, boolean parseSpecial, List<Integer> out) {
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            String special = specialAt(text, i, parseSpecial);
            if (special == null) {
                i++;
                continue;
            }
            encodeWords(text.substring(start, i), out);
            out.add(ids.get(special));
            i += special.length();
            start = i;
        }
        encodeWords(text.substring(start), out);
    }

    private String specialAt(String text, int at, boolean parseSpecial) {
        for (String s : specialsLongestFirst) {
            int type = types[ids.get(s)];
            if ((parseSpecial || type == TokenType.USER_DEFINED) && text.startsWith(s, at)) {
                return s;
            }
        }
        return null;
    }

    private void encodeWords(String text, List<Integer> out) {
        for (String word : preTokenizer.words(text)) {
            encodeWord(word, out);
        }
    }

    /** Greedy longest-match of one word; the whole word is [UNK] when any position cannot be matched. */
    private void encodeWord(String word, List<Integer> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > MAX_WORD_CHARS) {
            out.add(unk);
            return;
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            Integer found = null;
            int end = cps.length;
            for (; end > start; end--) {
                String piece = new String(cps, start, end - start);
                found = ids.get(start == 0 ? WORD_START + piece : piece);
                if (found != null) {
                    break;
                }
            }
            if (found == null) {
                out.add(unk);
                return;
            }
            pieces.add(found);
            start = end;
        }
        out.addAll(pieces);
    }

    @Override
    public byte[] pieceBytes(int id) {
        checkId(id);
        return tokens[id].replace(WORD_START, " ").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] textBytes(int id) {
        checkId(id);
        return types[id] == TokenType.CONTROL || types[id] == TokenType.UNKNOWN ? new byte[0] : pieceBytes(id);
    }

    /** The pieces' text joined, word starts as spaces, without the space before the first word. */
    @Override
    public byte[] decodeBytes(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(new String(textBytes(id), StandardCharsets.UTF_8));
        }
        String text = sb.length() > 0 && sb.charAt(0) == ' ' ? sb.substring(1) : sb.toString();
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String tokenText(int id) {
        checkId(id);
        return tokens[id];
    }

    @Override
    public int tokenType(int id) {
        checkId(id);
        return types[id];
    }

    @Override
    public boolean addBos() {
        return addCls;
    }

    @Override
    public boolean addEos() {
        return false;
    }

    /** WordPiece marks word starts in the vocabulary ({@code ▁}), not by prefixing the text with a space. */
    @Override
    public boolean addSpacePrefix() {
        return false;
    }

    private void checkId(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + tokens.length + ")");
        }
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int bos() {
        return cls;
    }

    @Override
    public int eos() {
        return eos;
    }

    @Override
    public boolean isEog(int id) {
        return id == eos || id == sep;
    }

    /** The [SEP] id appended after the text. */
    public int sep() {
        return sep;
    }
}
