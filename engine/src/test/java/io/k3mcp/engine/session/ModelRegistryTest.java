package io.k3mcp.engine.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.engine.chat.ChatMessages;
import io.k3mcp.engine.chat.ChatTemplate;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared registry loads each file once and lists what it holds; chat prompts tokenise with their special tokens. */
class ModelRegistryTest {

    @Test
    void slotsThatDoNotFitTheMemoryAreRefusedBeforeAnyCallWithTheNumbers() throws IOException {
        Path file = Shared.model("qwen3-mini-q8_0.gguf");
        try (ModelRegistry r = new ModelRegistry(ReferenceKernels.INSTANCE, 128, 4, 0)) {
            long perSlot = r.get(file).session().kvCacheBytes();
            r.checkCapacity(file, 4 * perSlot);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.checkCapacity(file, 4 * perSlot - 1));
            assertTrue(e.getMessage().startsWith("4 sequence slots (parallel) at a 128-token context need 4 x ")
                    && e.getMessage().contains("of memory is available"), e.getMessage());
            assertEquals(4, r.get(file).session().parallel());
        }
    }

    @Test
    void aHybridsSlotsCountTheirRecurrentStateAndItsCheckpoints() throws IOException {
        Path file = Shared.model("new-archs/qwen35-mini-f16.gguf");
        try (ModelRegistry r = new ModelRegistry(ReferenceKernels.INSTANCE, 128, 2, 0)) {
            var config = r.get(file).model().config();
            io.k3mcp.engine.model.KvCache cache = new io.k3mcp.engine.model.KvCache(config, 128, io.k3mcp.kernels.GgmlType.F16);
            long rows = cache.bytes(), memory = cache.memoryBytes();
            assertTrue(memory > rows, "the recurrent state adds to the KV rows: " + memory + " vs " + rows);
            assertEquals(memory, io.k3mcp.engine.model.KvCache.memoryBytesFor(config, 128, io.k3mcp.kernels.GgmlType.F16));
            assertEquals(memory, r.get(file).session().kvCacheBytes(), "the session counts its slot's whole memory");
            r.checkCapacity(file, 2 * memory);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.checkCapacity(file, 2 * rows + 1024));
            assertTrue(e.getMessage().contains("of KV cache and recurrent state"), e.getMessage());
        }
    }

    @Test
    void loadsOncePerFileAndListsTheLoadedModels() throws IOException {
        try (ModelRegistry r = new ModelRegistry(ReferenceKernels.INSTANCE, 128)) {
            Path file = Shared.model("qwen3-mini-q8_0.gguf");
            ModelRegistry.Loaded a = r.get(file);
            ModelRegistry.Loaded b = r.get(file.toAbsolutePath().getParent().resolve("./qwen3-mini-q8_0.gguf"));
            assertSame(a, b);
            assertEquals(128, a.session().contextLength());
            List<ModelRegistry.Info> infos = r.loaded();
            assertEquals(1, infos.size());
            assertEquals("qwen3", infos.get(0).architecture());
            assertEquals(1024, infos.get(0).vocabSize());
            assertEquals("reference", infos.get(0).kernels());
            assertTrue(infos.get(0).fileBytes() > 1_000_000);
            // qwen3: every layer keeps 128 F16 rows of K and of V, all KV heads each
            var c = a.model().config();
            assertEquals(2L * 2 * 128 * c.nLayer() * c.kvDim(), infos.get(0).kvCacheBytes());
            assertThrows(NoSuchFileException.class, () -> r.get(file.resolveSibling("absent.gguf")));
            assertEquals(1, r.loaded().size());
        }
    }

    @Test
    void chatPromptsUseTheModelsSpecialTokens() throws IOException {
        try (ModelRegistry r = new ModelRegistry(ReferenceKernels.INSTANCE, 0)) {
            ModelRegistry.Loaded q = r.get(Shared.model("qwen3-mini-f16.gguf"));
            ChatTemplate t = ChatTemplate.of(q.model().file().metadata(), q.tokenizer());
            List<Object> chat = ChatMessages.messages(new ObjectMapper().readTree(
                    "[{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hi\"}]"));
            String text = t.render(chat, null, true).text();
            assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", text);
            int[] ids = t.encode(text, true);
            assertEquals(1017, ids[0], "<|im_start|> is one special token");
            assertEquals(3, java.util.Arrays.stream(ids).filter(id -> id == 1017).count());
        }
    }
}
