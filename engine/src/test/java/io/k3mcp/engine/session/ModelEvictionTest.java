package io.k3mcp.engine.session;

import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Least-recently-used eviction under --max-loaded and the memory budget; leased models are never closed. */
class ModelEvictionTest {
    private static final int CONTEXT = 64;
    private final Path a = Shared.model("llama-mini-q4_0.gguf").toAbsolutePath().normalize();
    private final Path b = Shared.model("qwen3-mini-q8_0.gguf").toAbsolutePath().normalize();
    private final Path c = Shared.model("llama-mini-q8_0.gguf").toAbsolutePath().normalize();

    private static List<String> loaded(ModelRegistry r) {
        return r.loaded().stream().map(ModelRegistry.Info::path).toList();
    }

    private static ModelRegistry registry(ModelRegistry.Limits limits, List<Path> evicted) {
        ModelRegistry r = new ModelRegistry(ReferenceKernels.INSTANCE, CONTEXT, limits);
        r.onEviction(evicted::add);
        return r;
    }

    @Test
    void theLeastRecentlyUsedModelGoesWhenOneMoreWouldExceedMaxLoaded() throws IOException {
        List<Path> evicted = new ArrayList<>();
        try (ModelRegistry r = registry(new ModelRegistry.Limits(2, 0), evicted)) {
            ModelRegistry.Loaded first = r.get(a);
            r.get(b);
            r.get(a); // a is now more recent than b
            r.get(c);
            assertEquals(List.of(b), evicted);
            assertEquals(List.of(a.toString(), c.toString()), loaded(r));
            // The closed model loads again, as a new instance, when asked for.
            assertNotSame(first, r.get(b).model());
            assertEquals(List.of(b, a), evicted);
        }
    }

    @Test
    void aModelInUseIsNeverEvictedMidCallAndGoesWhenTheCallEnds() throws IOException {
        List<Path> evicted = new ArrayList<>();
        try (ModelRegistry r = registry(new ModelRegistry.Limits(1, 0), evicted)) {
            try (ModelRegistry.Lease inFlight = r.acquire(a)) {
                int[] prompt = {1, 5, 9};
                GenerationResult before = inFlight.loaded().session().generate(greedy(prompt));
                try (ModelRegistry.Lease other = r.acquire(b)) {
                    assertEquals(List.of(), evicted, "a is leased: over the limit rather than closed under its call");
                    assertEquals(2, r.loaded().size());
                    other.loaded().session().generate(greedy(prompt));
                }
                // b's call ended while a's continues: b is now the least recently used unleased model.
                assertEquals(List.of(b), evicted);
                GenerationResult after = inFlight.loaded().session().generate(greedy(prompt));
                assertArrayEquals(before.tokens(), after.tokens());
            }
            assertEquals(List.of(a.toString()), loaded(r));
        }
    }

    @Test
    void aFileThatDoesNotLoadEvictsNothing(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(b);
        Path truncated = Files.write(dir.resolve("truncated.gguf"), java.util.Arrays.copyOf(whole, whole.length / 2));
        Path junk = Files.write(dir.resolve("junk.gguf"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        List<Path> evicted = new ArrayList<>();
        try (ModelRegistry r = registry(new ModelRegistry.Limits(1, 0), evicted)) {
            ModelRegistry.Loaded good = r.get(a);
            for (Path bad : List.of(truncated, junk)) {
                String e = assertThrows(io.k3mcp.engine.gguf.GgufException.class, () -> r.get(bad)).getMessage();
                org.junit.jupiter.api.Assertions.assertTrue(e.contains(bad.getFileName().toString()), e);
            }
            assertEquals(List.of(), evicted, "the working model stays loaded");
            assertEquals(List.of(a.toString()), loaded(r));
            org.junit.jupiter.api.Assertions.assertSame(good, r.get(a));
        }
    }

    @Test
    void theMemoryBudgetEvictsButNeverRefusesASingleModel() throws IOException {
        List<Path> evicted = new ArrayList<>();
        long budget = Files.size(a) + Files.size(b) - 1;
        try (ModelRegistry r = registry(new ModelRegistry.Limits(0, budget), evicted)) {
            r.get(a);
            r.get(b);
            assertEquals(List.of(a), evicted);
            assertEquals(List.of(b.toString()), loaded(r));
        }
        try (ModelRegistry r = registry(new ModelRegistry.Limits(0, 1), evicted)) {
            r.get(a);
            assertEquals(1, r.loaded().size(), "one model larger than the budget still loads");
        }
    }

    @Test
    void negativeLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ModelRegistry.Limits(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ModelRegistry.Limits(0, -5));
    }

    private static GenerationRequest greedy(int[] prompt) {
        return GenerationRequest.greedy(prompt, 4);
    }
}
