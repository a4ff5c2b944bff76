package io.k3mcp.engine.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** llm_tokenizer_bpe's rules on hand-made vocabs, the EOG sets and the decoder's space clean-up. */
class ByteLevelBpeBehaviourTest {
    @TempDir
    Path tmp;

    private static final String[] TOKENS = {"a", "b", "c", "\u0120", "ab", "bc", "abc", "<x>"};
    private static final int[] TYPES = {1, 1, 1, 1, 1, 1, 1, 4};

    private Tokenizer tiny(String pre, String... merges) throws IOException {
        return Tokenizers.fromGguf(TinyVocabs.metadata(tmp, TinyVocabs.bpe(pre, TOKENS, TYPES, merges)));
    }

    @Test
    void lowestRankMergesFirst() throws IOException {
        assertArrayEquals(new int[] {4, 2}, tiny("gpt-2", "a b", "b c").encode("abc", false, false));
        assertArrayEquals(new int[] {0, 5}, tiny("gpt-2", "b c", "a b").encode("abc", false, false));
        assertArrayEquals(new int[] {6}, tiny("gpt-2", "b c", "a bc").encode("abc", false, false));
    }

    @Test
    void llama3EmitsAWordThatIsAVocabEntryWhole() throws IOException {
        assertArrayEquals(new int[] {6}, tiny("llama-bpe").encode("abc", false, false));
        assertArrayEquals(new int[] {0, 1, 2}, tiny("gpt-2").encode("abc", false, false));
    }

    @Test
    void spacesAreByteEncodedAndUserDefinedTokensMatched() throws IOException {
        Tokenizer t = tiny("gpt-2", "a b");
        assertArrayEquals(new int[] {4, 7, 3, 2}, t.encode("ab<x> c", false, false));
        assertEquals("ab<x> c", t.decode(new int[] {4, 7, 3, 2}));
        assertArrayEquals(new byte[] {' '}, t.pieceBytes(3));
    }

    @Test
    void endOfGenerationSets() throws IOException {
        Tokenizer llama3 = RealTokenizers.of("llama3-vocab.gguf");
        for (int id : new int[] {128001, 128008, 128009}) {
            assertTrue(llama3.isEog(id), "llama3 EOG " + id);
        }
        assertFalse(llama3.isEog(128000));
        assertFalse(llama3.isEog(9906));
        assertEquals(128000, llama3.bos());
        assertEquals(128001, llama3.eos());
        Tokenizer qwen = RealTokenizers.of("qwen3-mini-f16.gguf");
        assertTrue(qwen.isEog(1016), "<|endoftext|>");
        assertTrue(qwen.isEog(1018), "<|im_end|>");
        assertFalse(qwen.isEog(1017), "<|im_start|>");
        assertFalse(qwen.isEog(-1));
        Tokenizer llama2 = RealTokenizers.of("llama-2-tiny-random.gguf");
        assertTrue(llama2.isEog(2));
        assertFalse(llama2.isEog(1));
    }

    /** llama-bpe cleans up spaces before punctuation and around a lone apostrophe; qwen2 does not. */
    @Test
    void decodeCleansSpacesWhereThePresetSaysSo() throws IOException {
        String text = "Hello , world ! It ' s";
        Tokenizer llama3 = RealTokenizers.of("llama3-vocab.gguf");
        assertEquals("Hello, world! It's", llama3.decode(llama3.encode(text, false, false)));
        Tokenizer qwen = RealTokenizers.of("qwen3-mini-f16.gguf");
        assertEquals(text, qwen.decode(qwen.encode(text, false, false)));
    }

    @Test
    void spaceCleanupPasses() {
        byte[] t = "a 's b 't c 're d ' e .".getBytes();
        int n = SpaceCleanup.apply(t, t.length);
        assertEquals("a's b 't c're d'e.", new String(t, 0, n));
    }
}
