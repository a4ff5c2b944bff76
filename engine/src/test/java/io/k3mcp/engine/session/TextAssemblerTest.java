package io.k3mcp.engine.session;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextAssemblerTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void stopStringSpanningTokensIsFoundAndCut() {
        TextAssembler a = new TextAssembler(List.of("END"));
        StringBuilder streamed = new StringBuilder();
        streamed.append(a.add(b("Hello E")));
        assertEquals("Hello ", streamed.toString(), "'E' may start the stop string: held back");
        streamed.append(a.add(b("N")));
        assertFalse(a.stopped());
        streamed.append(a.add(b("D and more")));
        assertTrue(a.stopped());
        assertEquals("Hello ", a.text());
        assertEquals("Hello ", streamed.toString());
    }

    @Test
    void heldBackTextIsReleasedWhenItStopsMatching() {
        TextAssembler a = new TextAssembler(List.of("</s>"));
        assertEquals("a", a.add(b("a<")));
        assertEquals("</x", a.add(b("/x")));
        assertEquals("", a.add(b("<")));
        assertEquals("<", a.finish());
        assertEquals("a</x<", a.text());
    }

    @Test
    void earliestOfSeveralStopStringsWins() {
        TextAssembler a = new TextAssembler(List.of("cd", "b"));
        a.add(b("abcd"));
        assertTrue(a.stopped());
        assertEquals("a", a.text());
    }

    @Test
    void utf8SplitAcrossByteTokensIsDecodedWhole() {
        TextAssembler a = new TextAssembler(List.of());
        byte[] euro = b("\u20ac");
        assertEquals("", a.add(new byte[] {euro[0]}));
        assertEquals("", a.add(new byte[] {euro[1]}));
        assertEquals("\u20ac", a.add(new byte[] {euro[2]}));
        assertEquals("", a.add(new byte[] {(byte) 0xF0}));
        assertEquals("\ufffd", a.finish());
        assertEquals("\u20ac\ufffd", a.text());
    }
}
