package io.k3mcp.engine.embed.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.engine.tokenizer.TokenType;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A HF {@code tokenizer.json} WordPiece vocabulary converted the way llama.cpp's converter does
 * ({@code BertModel.set_vocab}, GGUF-NOTES section 4): ids kept; added tokens marked {@code special} become
 * CONTROL and keep their spelling; {@code ##piece} becomes {@code piece}; every other token gets {@code ▁}
 * prepended; missing ids become {@code [PAD<id>]} UNUSED.
 *
 * @param tokens    GGUF spellings by id
 * @param types     GGUF token types by id
 * @param lowercase the normaliser lower-cases (and strips accents, which k3mcp's WordPiece does with it)
 */
public record HfWordPieceVocab(String[] tokens, int[] types, boolean lowercase, int unk, int cls, int sep, int pad, int mask) {
    private static final String WORD_START = "\u2581";

    public static HfWordPieceVocab read(InputStream json, String what) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode model = root.path("model");
        if (!"WordPiece".equals(model.path("type").asText())) {
            throw new OnnxFormatException(what + ": model.type is '" + model.path("type").asText() + "', expected WordPiece");
        }
        String prefix = model.path("continuing_subword_prefix").asText("##");
        JsonNode vocab = model.path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new OnnxFormatException(what + ": model.vocab is missing or empty");
        }
        Map<Integer, String> byId = new HashMap<>();
        int maxId = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().asInt(-1);
            if (id < 0 || id > 10_000_000) {
                throw new OnnxFormatException(what + ": vocab entry '" + e.getKey() + "' has id " + e.getValue());
            }
            byId.put(id, e.getKey());
            maxId = Math.max(maxId, id);
        }
        Map<Integer, Boolean> added = new HashMap<>();
        for (JsonNode a : root.path("added_tokens")) {
            added.put(a.path("id").asInt(), a.path("special").asBoolean(false));
        }
        String[] tokens = new String[maxId + 1];
        int[] types = new int[maxId + 1];
        for (int id = 0; id <= maxId; id++) {
            String t = byId.get(id);
            if (t == null) {
                tokens[id] = "[PAD" + id + "]";
                types[id] = TokenType.UNUSED;
            } else if (added.containsKey(id)) {
                tokens[id] = t;
                types[id] = added.get(id) ? TokenType.CONTROL : TokenType.USER_DEFINED;
            } else {
                tokens[id] = t.startsWith(prefix) ? t.substring(prefix.length()) : WORD_START + t;
                types[id] = TokenType.NORMAL;
            }
        }
        JsonNode normalizer = root.path("normalizer");
        boolean lowercase = normalizer.path("lowercase").asBoolean(true);
        return new HfWordPieceVocab(tokens, types, lowercase,
                idOf(vocab, model.path("unk_token").asText("[UNK]"), what),
                idOf(vocab, "[CLS]", what), idOf(vocab, "[SEP]", what), idOf(vocab, "[PAD]", what), idOf(vocab, "[MASK]", what));
    }

    private static int idOf(JsonNode vocab, String token, String what) {
        JsonNode id = vocab.get(token);
        if (id == null) {
            throw new OnnxFormatException(what + ": the vocabulary has no " + token + " token");
        }
        return id.asInt();
    }
}
