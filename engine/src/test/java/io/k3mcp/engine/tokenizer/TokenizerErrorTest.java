package io.k3mcp.engine.tokenizer;

import io.k3mcp.engine.gguf.GgufException;
import io.k3mcp.engine.gguf.GgufValueType;
import io.k3mcp.engine.gguf.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a tokenizer cannot be built or used ends in an exception whose message names the cause. */
class TokenizerErrorTest {
    @TempDir
    Path tmp;

    private static final String[] TOKENS = {"<unk>", "<s>", "</s>", "a"};
    private static final int[] TYPES = {2, 3, 3, 1};
    private static final float[] SCORES = {0, 0, 0, -1};

    private String failure(Class<? extends Throwable> type, Consumer<GgufWriter> kv) throws IOException {
        var meta = TinyVocabs.metadata(tmp, kv);
        return message(type, () -> Tokenizers.fromGguf(meta));
    }

    private static String message(Class<? extends Throwable> type, Executable call) {
        return assertThrows(type, call).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + message + "' should mention " + p);
        }
    }

    @Test
    void unknownTokenizerModelIsNamed() throws IOException {
        assertMentions(failure(TokenizerException.class, TinyVocabs.spm(TOKENS, SCORES, TYPES)
                .andThen(w -> w.putString("tokenizer.ggml.model", "t5"))), "'t5'", "tokenizer.ggml.model", "gemma4 = Gemma 4");
    }

    @Test
    void gemma4TokenizerNeedsItsMerges() throws IOException {
        assertMentions(failure(TokenizerException.class, w -> w.putString("tokenizer.ggml.model", "gemma4")
                .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, TOKENS)), "tokenizer.ggml.merges", "gemma4");
    }

    @Test
    void wordPieceNeedsItsSpecialTokensInTheVocabulary() throws IOException {
        assertMentions(failure(TokenizerException.class, TinyVocabs.spm(TOKENS, SCORES, TYPES)
                .andThen(w -> w.putString("tokenizer.ggml.model", "bert"))), "tokenizer.ggml.unknown_token_id", "WordPiece");
    }

    @Test
    void missingModelKey() throws IOException {
        assertMentions(failure(TokenizerException.class, w -> w.putArray("tokenizer.ggml.tokens", GgufValueType.STRING, TOKENS)),
                "tokenizer.ggml.model");
    }

    @Test
    void unknownPreTokenizerIsNamed() throws IOException {
        assertMentions(failure(TokenizerException.class, TinyVocabs.bpe("made-up-pre", TOKENS, TYPES, new String[] {"a a"})),
                "'made-up-pre'", "tokenizer.ggml.pre");
    }

    @Test
    void missingTokenList() throws IOException {
        assertMentions(failure(TokenizerException.class, w -> w.putString("tokenizer.ggml.model", "llama")),
                "tokenizer.ggml.tokens");
        assertMentions(failure(TokenizerException.class, w -> w.putString("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, new String[0])), "tokenizer.ggml.tokens", "empty");
    }

    @Test
    void tokenListOfTheWrongType() throws IOException {
        assertMentions(failure(GgufException.class, w -> w.putString("tokenizer.ggml.model", "llama")
                .putU32("tokenizer.ggml.tokens", 3)), "tokenizer.ggml.tokens");
    }

    @Test
    void missingMerges() throws IOException {
        assertMentions(failure(TokenizerException.class, w -> w.putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", "qwen2")
                .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, TOKENS)), "tokenizer.ggml.merges");
    }

    @Test
    void arraysOfTheWrongLength() throws IOException {
        assertMentions(failure(TokenizerException.class, TinyVocabs.spm(TOKENS, SCORES, new int[] {2, 3})),
                "tokenizer.ggml.token_type", "2 entries");
        assertMentions(failure(TokenizerException.class, TinyVocabs.spm(TOKENS, new float[] {0}, TYPES)),
                "tokenizer.ggml.scores", "1 entries");
    }

    @Test
    void tokenIdsOutOfRange() {
        Tokenizer t = RealTokenizers.of("llama-mini-f16.gguf");
        assertMentions(message(IllegalArgumentException.class, () -> t.decode(new int[] {1, 1024})), "1024", "out of range");
        assertMentions(message(IllegalArgumentException.class, () -> t.decode(new int[] {-1})), "-1", "out of range");
        assertMentions(message(IllegalArgumentException.class, () -> t.pieceBytes(5000)), "5000");
        assertMentions(message(IllegalArgumentException.class, () -> t.tokenText(-3)), "-3");
        assertMentions(message(IllegalArgumentException.class, () -> t.streamingDetokenizer().accept(1024)), "1024");
    }

    @Test
    void missingFile() {
        assertThrows(NoSuchFileException.class, () -> Tokenizers.fromFile(tmp.resolve("absent.gguf")));
    }
}
