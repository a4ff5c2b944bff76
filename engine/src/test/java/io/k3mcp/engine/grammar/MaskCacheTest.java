package io.k3mcp.engine.grammar;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskCacheTest {

    private static JsonState state(String prefix) throws Exception {
        Schema s = Schema.compile(new ObjectMapper().readTree("{\"type\": \"array\", \"items\": {\"type\": \"string\"}}"));
        return JsonState.start(s).advance(prefix.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void evictsLeastRecentlyUsedPastTheBoundButKeepsTheNewest() throws Exception {
        MaskCache cache = new MaskCache(10);
        JsonState a = state("[");
        JsonState b = state("[\"");
        JsonState c = state("[\"x\"");
        cache.put(a, new MaskCache.Entry(new int[2], new int[2])); // 4 ints
        cache.put(b, new MaskCache.Entry(new int[2], new int[2])); // 8
        assertNotNull(cache.get(a)); // a is now the most recently used
        cache.put(c, new MaskCache.Entry(new int[2], new int[2])); // 12 > 10: b goes
        assertNull(cache.get(b));
        assertNotNull(cache.get(a));
        assertNotNull(cache.get(c));
        MaskCache tiny = new MaskCache(1);
        tiny.put(a, new MaskCache.Entry(new int[5], new int[5]));
        assertNotNull(tiny.get(a), "an entry larger than the bound is still kept while it is the newest");
        assertEquals(1, tiny.size());
    }

    @Test
    void equalStatesFromSeparatelyCompiledSchemasShareEntries() throws Exception {
        assertEquals(state("[\"ab"), state("[\"ab"));
        assertEquals(state("[\"ab").hashCode(), state("[\"ab").hashCode());
    }

    @Test
    void aRestartedConstraintGivesTheSameMasksFromTheSharedCache() throws Exception {
        List<byte[]> vocab = new ArrayList<>();
        for (int b = 0x20; b < 0x7F; b++) {
            vocab.add(new byte[] {(byte) b});
        }
        for (String w : List.of("[\"", "\"]", "\", \"", "hello", " world")) {
            vocab.add(w.getBytes(StandardCharsets.UTF_8));
        }
        byte[][] pieces = vocab.toArray(new byte[0][]);
        Schema schema = Schema.compile(new ObjectMapper().readTree("{\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"maxItems\": 3}"));
        JsonConstraint first = new JsonConstraint(schema, pieces, -1);
        JsonConstraint second = first.restart(Schema.compile(new ObjectMapper().readTree(
                "{\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"maxItems\": 3}")));
        int[] doc = {vocab.size() - 5, vocab.size() - 2, vocab.size() - 1, vocab.size() - 4};
        List<BitSet> masks = new ArrayList<>();
        for (int t : doc) {
            masks.add(first.mask(50));
            first.accept(t);
        }
        for (int i = 0; i < doc.length; i++) {
            assertEquals(masks.get(i), second.mask(50), "mask " + i);
            second.accept(doc[i]);
        }
        assertTrue(second.isComplete());
    }
}
