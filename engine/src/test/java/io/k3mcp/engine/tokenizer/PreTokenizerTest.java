package io.k3mcp.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pre-tokenizer splits against the reference regex engine, and the preset table. */
class PreTokenizerTest {

    /** 400 random hard strings split by Python's `regex` module (see gen_pretokenizer_reference.py). */
    @Test
    void splitsMatchTheReferenceRegexEngine() throws IOException {
        JsonNode ref;
        try (InputStream in = getClass().getResourceAsStream("/tokenizer/pretokenizer_reference.json")) {
            assertNotNull(in, "pretokenizer_reference.json on the test classpath");
            ref = new ObjectMapper().readTree(in);
        }
        JsonNode texts = ref.get("texts");
        for (String pre : List.of("gpt-2", "llama-bpe", "qwen2")) {
            PreTokenizer splitter = BpePreset.forName(pre).preTokenizer();
            JsonNode expected = ref.get("splits").get(pre);
            for (int i = 0; i < texts.size(); i++) {
                List<String> want = new ArrayList<>();
                expected.get(i).forEach(n -> want.add(n.asText()));
                String text = texts.get(i).asText();
                assertEquals(want, splitter.split(text), pre + " split of " + TokenizerFixtureTest.printable(text));
            }
        }
    }

    @Test
    void gpt2KeepsOneSpaceForTheNextWord() {
        assertEquals(List.of("Hello", " world", "'s", " ", " 123", "!!", "\n"),
                BpePreset.forName("gpt-2").preTokenizer().split("Hello world's  123!!\n"));
    }

    @Test
    void llama3GroupsDigitsByThreeAndQwen2ByOne() {
        assertEquals(List.of("123", "456", "7"), BpePreset.forName("llama-bpe").preTokenizer().split("1234567"));
        assertEquals(List.of("1", "2", "3", "4"), BpePreset.forName("qwen2").preTokenizer().split("1234"));
    }

    /** llama.cpp's default BPE pre-tokenizer: punctuation runs first, then GPT-2, then digits in threes. */
    @Test
    void defaultPresetChainsItsPasses() {
        assertEquals(List.of("x", "...", " 12345"), BpePreset.forName("gpt-2").preTokenizer().split("x... 12345"));
        assertEquals(List.of("x", "...", " ", "123", "45"), BpePreset.forName("default").preTokenizer().split("x... 12345"));
    }

    @Test
    void everyPresetSplitsTextIntoPiecesThatConcatenateBack() throws ReflectiveOperationException {
        Field f = BpePreset.class.getDeclaredField("PRESETS");
        f.setAccessible(true);
        Map<?, ?> presets = (Map<?, ?>) f.get(null);
        String text = "Hello,  wörld's 12345 \u4e2d\u6587!? \t\r\n x\u0301 \uD83D\uDE00 $+<=>^~|`";
        for (Object name : presets.keySet()) {
            List<String> words = BpePreset.forName((String) name).preTokenizer().split(text);
            assertEquals(text, String.join("", words), "preset " + name);
            assertTrue(words.stream().noneMatch(String::isEmpty), "preset " + name);
        }
    }

    @Test
    void unknownPreIsAnErrorNamingIt() {
        TokenizerException e = assertThrows(TokenizerException.class, () -> BpePreset.forName("no-such-pre"));
        assertTrue(e.getMessage().contains("'no-such-pre'"), e.getMessage());
        assertTrue(e.getMessage().contains("llama-bpe"), e.getMessage());
    }

    @Test
    void collapsedRegexRewritesCategoriesInsideAndOutsideClasses() {
        assertEquals("[\u00D2A-Za-z]+", RegexSplit.collapse("\\p{L}+"));
        assertEquals("[^\\s\u00D2A-Za-z\u00D10-9]", RegexSplit.collapse("[^\\s\\p{L}\\p{N}]"));
        assertThrows(IllegalArgumentException.class, () -> RegexSplit.collapse("[\u4e00-\u9fa5]+\\p{N}"));
    }
}
