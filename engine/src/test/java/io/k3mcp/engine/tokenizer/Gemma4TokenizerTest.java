package io.k3mcp.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gemma 4's tokenizer kind against llama.cpp v0.5.0: a vocab written by llama.cpp's gguf-py with merges
 * learned from a small corpus, and llama.cpp's tokenization of texts that reach every rule (byte
 * fallback for unknown characters, newline runs, spaces, special tokens, clean-up of spaces on decode).
 * Both files come from scripts/tokenizer-golden/make-gemma4-golden.sh.
 */
class Gemma4TokenizerTest {

    private record Case(String text, int[] ids, String decoded, String rendered) {
    }

    private static Path resource(String name) throws URISyntaxException {
        var url = Gemma4TokenizerTest.class.getResource("/tokenizer/" + name);
        assertNotNull(url, name + " on the test classpath");
        return Paths.get(url.toURI());
    }

    private static List<Case> cases() throws IOException, URISyntaxException {
        ObjectMapper json = new ObjectMapper();
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(resource("gemma4-tokenized.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode n = json.readTree(line);
            int[] ids = new int[n.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = n.get("ids").get(i).asInt();
            }
            cases.add(new Case(n.get("text").asText(), ids, n.get("decoded").asText(), n.get("rendered").asText()));
        }
        assertTrue(cases.size() >= 10, "the golden has its texts");
        return cases;
    }

    @Test
    void tokenizesAsLlamaCppDoes() throws Exception {
        Tokenizer tok = Tokenizers.fromFile(resource("gemma4-vocab.gguf"));
        for (Case c : cases()) {
            assertArrayEquals(c.ids, tok.encode(c.text, true, true), "ids of " + TokenizerFixtureTest.printable(c.text));
        }
    }

    @Test
    void detokenizesAsLlamaCppDoes() throws Exception {
        Tokenizer tok = Tokenizers.fromFile(resource("gemma4-vocab.gguf"));
        for (Case c : cases()) {
            assertEquals(c.decoded, tok.decode(c.ids), "text of " + TokenizerFixtureTest.printable(c.text));
            StringBuilder rendered = new StringBuilder();
            StreamingDetokenizer stream = new StreamingDetokenizer(tok, true);
            for (int id : c.ids) {
                rendered.append(stream.accept(id));
            }
            rendered.append(stream.flush());
            // the stream does not clean up spaces before punctuation (it cannot see what follows)
            if (!c.text.matches("(?s).* [,.?!].*")) {
                assertEquals(c.rendered, rendered.toString(), "streamed text of " + TokenizerFixtureTest.printable(c.text));
            }
        }
    }

    @Test
    void addsBosEvenWhenTheMetadataSaysNot() throws Exception {
        Tokenizer tok = Tokenizers.fromFile(resource("gemma4-vocab.gguf"));
        assertTrue(tok.addBos(), "llama.cpp turns add_bos_token on for gemma4");
        assertEquals("<bos>", tok.tokenText(tok.bos()));
        assertEquals(tok.bos(), tok.encode("x", true, true)[0]);
    }
}
