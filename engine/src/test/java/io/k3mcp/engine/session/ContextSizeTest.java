package io.k3mcp.engine.session;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.ModelConfig;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The context a session gets: trained context, memory budget, requested size, and the refusals. */
class ContextSizeTest {
    private static final long MIB = 1 << 20;

    /** qwen3-mini: its trained context (512) and its shape give the F16 cache's bytes per token. */
    private static ModelConfig qwen() throws IOException {
        try (Model m = Model.load(Shared.model("qwen3-mini-f16.gguf"), ReferenceKernels.INSTANCE)) {
            return m.config();
        }
    }

    private static long perToken(ModelConfig c, int bytesPerElement) {
        return 2L * c.nLayer() * c.nKvHead() * c.headDim() * bytesPerElement;
    }

    @Test
    void theDefaultIsTheTrainedContextWhenItsCacheFitsHalfTheFreeMemory() throws IOException {
        ModelConfig c = qwen();
        assertEquals(512, c.contextLength());
        long full = perToken(c, 2) * 512;
        ContextSize s = ContextSize.choose(c, 0, GgmlType.F16, 2 * full);
        assertEquals(512, s.tokens());
        assertEquals("trained context", s.reason());
        assertEquals(full, s.cacheBytes());
        assertEquals(full, KvCache.bytesFor(c, 512, GgmlType.F16));
    }

    @Test
    void aSmallMemoryCapsTheDefaultAndSaysWhy() throws IOException {
        ModelConfig c = qwen();
        long free = perToken(c, 2) * 300; // the budget is half: 150 tokens
        ContextSize s = ContextSize.choose(c, 0, GgmlType.F16, free);
        assertEquals(150, s.tokens());
        assertTrue(s.reason().startsWith("memory budget"), s.reason());
        assertTrue(s.reason().contains("512 tokens"), s.reason());
        // F32 rows are twice as wide: half the tokens
        assertEquals(75, ContextSize.choose(c, 0, GgmlType.F32, free).tokens());
    }

    @Test
    void aRequestedSizeIsKeptWhenItFitsTheFreeMemory() throws IOException {
        ModelConfig c = qwen();
        ContextSize s = ContextSize.choose(c, 290, GgmlType.F16, perToken(c, 2) * 300);
        assertEquals(290, s.tokens());
        assertEquals("requested", s.reason());
    }

    @Test
    void requestsPastTheTrainedContextOrTheMemoryAreRefusedWithTheLimit() throws IOException {
        ModelConfig c = qwen();
        String past = assertThrows(ContextSizeException.class,
                () -> ContextSize.choose(c, 513, GgmlType.F16, Long.MAX_VALUE)).getMessage();
        assertTrue(past.contains("513") && past.contains("trained context of 512 tokens"), past);
        String memory = assertThrows(ContextSizeException.class,
                () -> ContextSize.choose(c, 400, GgmlType.F16, perToken(c, 2) * 300)).getMessage();
        assertTrue(memory.contains("context size 400") && memory.contains("at most 300 tokens fit"), memory);
        String none = assertThrows(ContextSizeException.class, () -> ContextSize.choose(c, 0, GgmlType.F16, MIB / 1024)).getMessage();
        assertTrue(none.contains("not even one token"), none);
        String negative = assertThrows(ContextSizeException.class, () -> ContextSize.choose(c, -1, GgmlType.F16, MIB)).getMessage();
        assertTrue(negative.contains("got -1"), negative);
    }

    @Test
    void freeMemoryIsMemAvailable(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        assertEquals(23227940L, FreeMemory.memAvailableKib(List.of("MemTotal: 32000000 kB", "MemAvailable:   23227940 kB")));
        assertNull(FreeMemory.memAvailableKib(List.of("MemTotal: 32000000 kB")));
        Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemFree: 1 kB\nMemAvailable: 2048 kB\n");
        assertEquals(2048L * 1024, FreeMemory.available(meminfo));
        // without the line, the JVM's figure: some positive amount
        Path noLine = Files.writeString(dir.resolve("nomem"), "MemFree: 1 kB\n");
        assertTrue(FreeMemory.available(noLine) > 0);
    }
}
