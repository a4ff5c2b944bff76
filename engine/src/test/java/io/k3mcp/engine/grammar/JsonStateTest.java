package io.k3mcp.engine.grammar;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The byte-level recogniser accepts exactly the documents the schema allows. */
class JsonStateTest {
    private static final ObjectMapper M = new ObjectMapper();

    static Schema schema(String json) {
        try {
            return Schema.compile(M.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static final Schema PERSON = schema("""
            {"type": "object", "properties": {
               "name": {"type": "string", "minLength": 1, "maxLength": 5},
               "age": {"type": "integer"},
               "tags": {"type": "array", "items": {"enum": ["a", "b", 3]}, "maxItems": 2},
               "ok": {"type": "boolean"}, "nothing": {"type": "null"}, "score": {"type": ["number", "null"]}},
             "required": ["name", "age"], "additionalProperties": false}""");

    /** The index of the first rejected byte, or -1 when every byte is accepted. */
    private static int firstRejected(Schema s, String text) {
        JsonState st = JsonState.start(s);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            st = st.advance(b[i] & 0xff);
            if (st == null) {
                return i;
            }
        }
        return -1;
    }

    private static boolean complete(Schema s, String text) {
        JsonState st = JsonState.start(s).advance(text.getBytes(StandardCharsets.UTF_8));
        return st != null && st.canFinish();
    }

    @Test
    void acceptsValidDocuments() {
        assertTrue(complete(PERSON, "{\"name\": \"Ann\", \"age\": 31}"));
        assertTrue(complete(PERSON, "{ \"age\" : -0, \"name\":\"\\u00e9\\n\", \"tags\": [\"a\", 3], \"ok\": false, \"nothing\": null, \"score\": 1.5e-3 }"));
        assertTrue(complete(PERSON, "{\"name\":\"żółw\",\"age\":1,\"score\":null}"));
        assertTrue(complete(schema("{\"type\": \"integer\"}"), "42"));
        assertTrue(complete(Schema.any(), "[1, {\"x\": [true, null, \"s\"]}, -2.5E+3]"));
    }

    @Test
    void rejectsAtTheFirstBadByte() {
        assertEquals(1, firstRejected(PERSON, "{x"));
        assertEquals(5, firstRejected(PERSON, "{\"nam\":"), "only declared keys: 'nam' is no key");
        assertEquals(14, firstRejected(PERSON, "{\"name\": \"Ann\"}"), "'}' before the required age");
        assertEquals(10, firstRejected(PERSON, "{\"name\": \"\"}"), "minLength 1");
        assertEquals(15, firstRejected(PERSON, "{\"name\": \"abcdef\""), "maxLength 5");
        assertEquals(22, firstRejected(PERSON, "{\"name\": \"a\", \"age\": 1.5}"), "integer");
        assertEquals(26, firstRejected(PERSON, "{\"name\": \"a\", \"age\": 1, \"name\": \"b\"}"), "no repeated key (n.. could still be 'nothing')");
        assertEquals(41, firstRejected(PERSON, "{\"name\": \"a\", \"age\": 1, \"tags\": [\"a\", \"b\", 3]}"), "maxItems 2");
        assertEquals(34, firstRejected(PERSON, "{\"name\": \"a\", \"age\": 1, \"tags\": [\"c\"]}"), "enum");
        assertEquals(10, firstRejected(PERSON, "{\"name\": \"\u0001\""), "raw control character");
        assertEquals(11, firstRejected(PERSON, "{\"name\": \"\\x\""), "bad escape");
        assertEquals(1, firstRejected(schema("{\"type\": \"integer\"}"), "01"), "no leading zeros");
        assertEquals(2, firstRejected(schema("{\"type\": \"boolean\"}"), "trx"));
        JsonState inString = JsonState.start(PERSON).advance("{\"name\":\"".getBytes(StandardCharsets.UTF_8));
        assertNull(inString.advance(0xFF), "0xFF never starts a UTF-8 character");
        assertNull(inString.advance(0xC3).advance('a'), "a continuation byte must follow 0xC3");
    }

    @Test
    void numbersEndOnlyWhenComplete() {
        Schema n = schema("{\"type\": \"number\"}");
        assertFalse(complete(n, "-"));
        assertFalse(complete(n, "1."));
        assertFalse(complete(n, "1e"));
        assertTrue(complete(n, "1.25"));
        JsonState done = JsonState.start(schema("{\"type\": \"array\"}")).advance("[]".getBytes(StandardCharsets.UTF_8));
        assertNotNull(done);
        assertNull(done.advance(' '), "nothing may follow the document");
    }

    @Test
    void minRemainingIsTheShortestCompletion() {
        JsonState s = JsonState.start(PERSON);
        assertEquals("{\"name\":\"x\",\"age\":0}".length(), s.minRemaining());
        JsonState mid = s.advance("{\"age\": 12".getBytes(StandardCharsets.UTF_8));
        assertEquals(",\"name\":\"x\"}".length(), mid.minRemaining());
        JsonState inName = s.advance("{\"na".getBytes(StandardCharsets.UTF_8));
        assertEquals("me\":\"x\",\"age\":0}".length(), inName.minRemaining());
    }

    @Test
    void unsupportedKeywordsAreRejectedByName() {
        SchemaException e = assertThrows(SchemaException.class, () -> schema("{\"type\": \"string\", \"pattern\": \"^a\"}"));
        assertTrue(e.getMessage().contains("[pattern]"), e.getMessage());
        SchemaException nested = assertThrows(SchemaException.class,
                () -> schema("{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"number\", \"minimum\": 0}}}"));
        assertTrue(nested.getMessage().startsWith("$.properties.n: "), nested.getMessage());
        assertThrows(SchemaException.class, () -> schema("{\"anyOf\": [{\"type\": \"string\"}, {\"enum\": [\"x\"]}]}"));
        assertThrows(SchemaException.class, () -> schema("{\"type\": \"widget\"}"));
    }

    @Test
    void stringsAcceptOnlyWellFormedUtf8() {
        Schema str = schema("{\"type\": \"string\", \"maxLength\": 3}");
        java.util.function.Function<int[], JsonState> feed = bytes -> {
            JsonState st = JsonState.start(str).advance('"');
            for (int b : bytes) {
                if (st == null) {
                    return null;
                }
                st = st.advance(b);
            }
            return st;
        };
        assertNotNull(feed.apply(new int[] {0xE2, 0x82, 0xAC}), "EURO SIGN");
        assertNotNull(feed.apply(new int[] {0xF0, 0x9F, 0x98, 0x80}), "an emoji");
        assertNotNull(feed.apply(new int[] {0xED, 0x9F, 0xBF}), "U+D7FF, the last code point before the surrogates");
        assertNull(feed.apply(new int[] {0xE0, 0x80, 0x80}), "overlong 3-byte form");
        assertNull(feed.apply(new int[] {0xED, 0xA0, 0x80}), "a surrogate");
        assertNull(feed.apply(new int[] {0xF0, 0x80, 0x80, 0x80}), "overlong 4-byte form");
        assertNull(feed.apply(new int[] {0xF4, 0x90, 0x80, 0x80}), "past U+10FFFF");
        assertNull(feed.apply(new int[] {0xC0, 0x80}), "overlong 2-byte form");
        JsonState three = feed.apply(new int[] {0xF0, 0x9F, 0x98, 0x80, 'a', 0xE2, 0x82, 0xAC});
        assertNotNull(three, "3 characters fit maxLength 3");
        assertNull(three.advance('b'), "a 4th character does not");
    }
}
