package io.k3mcp.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streamed text never contains half a character, and adds up to the decoded text. */
class StreamingDetokenizerTest {

    private static List<String> stream(StreamingDetokenizer s, int[] ids) {
        List<String> chunks = new ArrayList<>();
        for (int id : ids) {
            chunks.add(s.accept(id));
        }
        chunks.add(s.flush());
        return chunks;
    }

    /**
     * llama-mini spells CJK characters, the emoji and its missing {@code ▁} token (so the space
     * prefix reads back as a literal ▁, see fixtures/README.md) with byte-fallback tokens.
     */
    @Test
    void holdsMultiByteCharactersSplitOverByteTokens() {
        Tokenizer t = RealTokenizers.of("llama-mini-f16.gguf");
        String text = "\u4e2d\u6587caf\u00e9\uD83D\uDE00!";
        int[] ids = t.encode(text, false, false);
        List<String> chunks = stream(t.streamingDetokenizer(), ids);
        assertTrue(ids.length > text.length(), "byte tokens expected");
        assertEquals("\u2581" + text, String.join("", chunks));
        for (String c : chunks) {
            assertFalse(c.contains("\uFFFD"), "chunk " + c);
        }
        assertTrue(chunks.stream().filter(String::isEmpty).count() >= 4, "bytes of split characters are held");
    }

    @Test
    void qwenEmojiBytesAreHeldUntilComplete() {
        Tokenizer t = RealTokenizers.of("qwen3-mini-f16.gguf");
        int[] ids = t.encode("\uD83D\uDE00\uD83D\uDC4D", false, false);
        StreamingDetokenizer s = t.streamingDetokenizer();
        StringBuilder all = new StringBuilder();
        for (int id : ids) {
            String chunk = s.accept(id);
            assertTrue(chunk.isEmpty() || chunk.codePoints().allMatch(cp -> cp >= 0x1F000), "chunk " + chunk);
            all.append(chunk);
        }
        assertFalse(s.hasPending());
        assertEquals("\uD83D\uDE00\uD83D\uDC4D", all.toString());
    }

    /** Like decode, the stream drops the space SentencePiece put before the text from the first token. */
    @Test
    void firstTokenLosesTheSpacePrefix() {
        Tokenizer t = RealTokenizers.of("llama-2-tiny-random.gguf");
        int[] ids = t.encode("Hello world", false, false);
        assertEquals("\u2581Hello", t.tokenText(ids[0]));
        assertEquals("Hello world", String.join("", stream(t.streamingDetokenizer(), ids)));
        assertEquals(t.decode(ids), String.join("", stream(t.streamingDetokenizer(), ids)));
    }

    @Test
    void controlTokensAreSilentUnlessRendered() {
        Tokenizer t = RealTokenizers.of("qwen3-mini-f16.gguf");
        int[] ids = t.encode("<|im_start|>user", false, true);
        assertEquals(1017, ids[0]);
        assertEquals("user", String.join("", stream(t.streamingDetokenizer(), ids)));
        assertEquals("<|im_start|>user", String.join("", stream(new StreamingDetokenizer(t, true), ids)));
    }

    @Test
    void invalidAndUnfinishedBytesBecomeReplacementCharacters() {
        Tokenizer t = RealTokenizers.of("llama-mini-f16.gguf");
        int e4 = idOf(t, "<0xE4>");
        int continuation = idOf(t, "<0xB8>");
        StreamingDetokenizer s = t.streamingDetokenizer();
        assertEquals("\uFFFD", s.accept(continuation), "a stray continuation byte is not held");
        assertEquals("", s.accept(e4));
        assertTrue(s.hasPending());
        assertEquals("\uFFFD", s.flush(), "an unfinished character is released at the end");
        assertFalse(s.hasPending());
    }

    private static int idOf(Tokenizer t, String text) {
        for (int id = 0; id < t.vocabSize(); id++) {
            if (t.tokenText(id).equals(text)) {
                return id;
            }
        }
        throw new AssertionError(text + " not in the vocab");
    }

    @Test
    void completePrefixKeepsOnlyATrailingUnfinishedSequence() {
        assertEquals(0, StreamingDetokenizer.completePrefix(new byte[] {(byte) 0xE4, (byte) 0xB8}));
        assertEquals(1, StreamingDetokenizer.completePrefix(new byte[] {'a', (byte) 0xF0, (byte) 0x9F, (byte) 0x98}));
        assertEquals(4, StreamingDetokenizer.completePrefix(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}));
        assertEquals(2, StreamingDetokenizer.completePrefix(new byte[] {(byte) 0xE4, 'a'}));
        assertEquals(1, StreamingDetokenizer.completePrefix(new byte[] {(byte) 0xFF}));
        assertEquals(5, StreamingDetokenizer.completePrefix(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80}));
    }
}
