package io.k3mcp.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.testing.Shared;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WordPiece against HF/ONNX ids (the golden file) and llama.cpp's ids (fixtures/tokenizer.json). */
class WordPieceTokenizerTest {
    /**
     * After NFD, llama.cpp drops Hangul's medial and final jamo (category Lo) as if they were accents; HF's
     * BertNormalizer, the model's own tokenizer, drops only non-spacing marks (Mn) and keeps them. We follow HF.
     */
    private static final String HANGUL_CASE = "\uD55C\uAD6D\uC5B4 \uD14D\uC2A4\uD2B8";
    private static GgufFile gguf;
    private static WordPieceTokenizer tok;

    @BeforeAll
    static void open() throws IOException {
        gguf = GgufFile.open(Shared.model("all-minilm-l6-v2-f16.gguf"));
        tok = WordPieceTokenizer.fromGguf(gguf.metadata(), "all-minilm-l6-v2-f16.gguf");
        assertTrue(Tokenizers.fromGguf(gguf.metadata()) instanceof WordPieceTokenizer, "Tokenizers dispatches bert");
    }

    @AfterAll
    static void close() throws IOException {
        gguf.close();
    }

    static int[] ints(JsonNode array) {
        int[] r = new int[array.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = array.get(i).asInt();
        }
        return r;
    }

    @Test
    void goldenSentencesGiveTheOnnxTokenIds() throws IOException {
        JsonNode golden = new ObjectMapper().readTree(Shared.model("all-minilm-l6-v2.golden.json").toFile());
        for (JsonNode s : golden.get("sentences")) {
            assertArrayEquals(ints(s.get("token_ids")), tok.encode(s.get("text").asText(), true, false),
                    "ids of " + s.get("text"));
        }
    }

    @Test
    void llamaCppFixtureIdsWithAndWithoutSpecialParsing() throws IOException {
        JsonNode model = new ObjectMapper().readTree(Shared.fixture("tokenizer.json").toFile())
                .get("models").get("all-minilm-l6-v2");
        List<String> checked = new ArrayList<>();
        for (String section : List.of("default", "parse_special")) {
            boolean parseSpecial = model.get(section).get("parse_special").asBoolean();
            for (JsonNode r : model.get(section).get("results")) {
                String text = r.get("text").asText();
                if (text.equals(HANGUL_CASE)) {
                    continue;
                }
                int[] ids = tok.encode(text, true, parseSpecial);
                assertArrayEquals(ints(r.get("ids")), ids, section + ": ids of " + r.get("text"));
                for (int k = 0; k < ids.length; k++) {
                    assertEquals(r.get("pieces_hex").get(k).asText(), java.util.HexFormat.of().formatHex(tok.pieceBytes(ids[k])));
                    assertEquals(r.get("vocab_text").get(k).asText(), tok.tokenText(ids[k]));
                }
                checked.add(text);
            }
        }
        for (JsonNode r : model.get("no_add_special_examples")) {
            assertArrayEquals(ints(r.get("ids")), tok.encode(r.get("text").asText(), false, false));
        }
        assertTrue(checked.size() > 40, "fixture cases checked: " + checked.size());
    }

    @Test
    void emptyTextIsClsSep() {
        assertArrayEquals(new int[] {101, 102}, tok.encode("", true, false));
        assertArrayEquals(new int[0], tok.encode("", false, false));
    }

    @Test
    void wordsLongerThanOneHundredCharactersAreUnknown() {
        String longWord = "a".repeat(WordPieceTokenizer.MAX_WORD_CHARS + 1);
        assertArrayEquals(new int[] {101, 100, 102}, tok.encode(longWord, true, false));
        int[] atLimit = tok.encode("a".repeat(WordPieceTokenizer.MAX_WORD_CHARS), true, false);
        assertTrue(atLimit.length > 3, "a 100-character word is still split into pieces");
    }

    @Test
    void decodeJoinsWordStartsWithSpaces() {
        int[] ids = tok.encode("[CLS] The RISC-V board", true, true);
        assertEquals("the risc - v board", tok.decode(ids), "control tokens give no text; pieces join");
        assertEquals("[CLS]", new String(tok.pieceBytes(101), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(30522, tok.vocabSize());
        assertEquals(101, tok.bos());
        assertEquals(TokenType.CONTROL, tok.tokenType(102));
        assertTrue(tok.addBos());
        assertTrue(tok.isEog(102));
    }

    @Test
    void idsOutsideTheVocabularyAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.pieceBytes(30522));
        assertTrue(e.getMessage().contains("30522"), e.getMessage());
    }
}
