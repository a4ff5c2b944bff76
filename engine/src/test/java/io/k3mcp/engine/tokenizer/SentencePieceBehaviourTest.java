package io.k3mcp.engine.tokenizer;

import io.k3mcp.engine.gguf.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * llm_tokenizer_spm's rules on a hand-made vocab, with the expected ids worked out by hand from them:
 * highest score merges first (leftmost on ties), byte fallback, the unknown token, special tokens.
 */
class SentencePieceBehaviourTest {
    @TempDir
    Path tmp;

    private static final String[] TOKENS = {"<unk>", "<s>", "</s>", "<0xC3>", "<0xA9>", "\u2581", "a", "b", "ab",
        "\u2581ab", "<tool>", "\u2581a"};
    private static final float[] SCORES = {0, 0, 0, 0, 0, -1, -2, -2, -1, -0.5f, 0, -3};
    private static final int[] TYPES = {2, 3, 3, 6, 6, 1, 1, 1, 1, 1, 4, 1};

    private Tokenizer tiny(Consumer<GgufWriter> extra) throws IOException {
        return Tokenizers.fromGguf(TinyVocabs.metadata(tmp, TinyVocabs.spm(TOKENS, SCORES, TYPES).andThen(extra)));
    }

    private Tokenizer tiny() throws IOException {
        return tiny(w -> { });
    }

    @Test
    void mergesTheBestScoringPairFirst() throws IOException {
        // ▁ab▁ab: "ab" (-1) twice, leftmost first; then "▁ab" (-0.5) beats the stale "▁a" (-3) pairs
        assertArrayEquals(new int[] {1, 9, 9}, tiny().encode("ab ab", true, false));
        assertArrayEquals(new int[] {9, 9}, tiny().encode("ab ab", false, false));
    }

    @Test
    void unknownCharactersFallBackToBytesThenToUnk() throws IOException {
        assertArrayEquals(new int[] {1, 5, 3, 4}, tiny().encode("\u00e9", true, false));
        assertArrayEquals(new int[] {5, 0}, tiny().encode("z", false, false));
    }

    @Test
    void userDefinedTokensAreAlwaysMatchedControlOnlyWhenParsingSpecials() throws IOException {
        Tokenizer t = tiny();
        // text after a special token gets the space prefix again
        assertArrayEquals(new int[] {11, 10, 5, 7}, t.encode("a<tool>b", false, false));
        assertArrayEquals(new int[] {11, 2}, t.encode("a</s>", false, true));
        assertArrayEquals(new int[] {11, 0, 0, 0, 0}, t.encode("a</s>", false, false));
    }

    @Test
    void flagsComeFromTheMetadata() throws IOException {
        Tokenizer t = tiny(w -> w.putBool("tokenizer.ggml.add_eos_token", true)
                .putBool("tokenizer.ggml.add_space_prefix", false)
                .putU32("tokenizer.ggml.bos_token_id", 99));
        assertTrue(t.addEos());
        assertEquals(1, t.bos(), "an out-of-range BOS id keeps the default");
        assertArrayEquals(new int[] {1, 8, 2}, t.encode("ab", true, false));
    }

    @Test
    void piecesAndDecoding() throws IOException {
        Tokenizer t = tiny();
        assertArrayEquals("<s>".getBytes(StandardCharsets.UTF_8), t.pieceBytes(1));
        assertArrayEquals(new byte[0], t.textBytes(1));
        assertArrayEquals(new byte[] {(byte) 0xC3}, t.pieceBytes(3));
        assertArrayEquals(" ab".getBytes(StandardCharsets.UTF_8), t.pieceBytes(9));
        assertEquals(" ab ab", t.decode(new int[] {1, 9, 9}), "the prefix space is only stripped from the first token");
        assertEquals("ab ab", t.decode(new int[] {9, 9}));
        assertEquals("\u00e9<tool>", t.decode(new int[] {3, 4, 10}));
        assertEquals(TokenType.USER_DEFINED, t.tokenType(10));
        assertEquals("\u2581ab", t.tokenText(9));
        assertTrue(t.isEog(2));
        assertFalse(t.isEog(1));
    }
}
