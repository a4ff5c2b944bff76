package io.k3mcp.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A sequence's memory counts a hybrid's recurrent state, live and in every checkpoint it may keep, besides its KV rows. */
class RecurrentMemoryTest {

    @Test
    void aHybridsMemoryIsItsRowsPlusItsStateBuffersOncePerCopy() throws IOException {
        try (Model m = Model.load(Shared.model("new-archs/qwen35-mini-f16.gguf"), ReferenceKernels.INSTANCE)) {
            KvCache cache = new KvCache(m.config(), 64, GgmlType.F16);
            RecurrentState state = cache.recurrent();
            long floats = 0;
            for (int il = 0; il < m.config().nLayer(); il++) {
                if (state.conv(il) != null) {
                    floats += state.conv(il).capacity() + (long) state.state(il).capacity();
                }
            }
            long copies = 1 + RecurrentState.MAX_CHECKPOINTS;
            assertEquals(Float.BYTES * floats * copies, cache.memoryBytes() - cache.bytes());
            assertEquals(cache.memoryBytes() - cache.bytes(), RecurrentState.bytesFor(m.config()), "from the config alone");
        }
    }

    @Test
    void aDenseModelsMemoryIsItsRows() throws IOException {
        try (Model m = Model.load(Shared.model("llama-mini-f32.gguf"), ReferenceKernels.INSTANCE)) {
            KvCache cache = new KvCache(m.config(), 64, GgmlType.F16);
            assertEquals(cache.bytes(), cache.memoryBytes());
            assertEquals(KvCache.bytesFor(m.config(), 64, GgmlType.F16), KvCache.memoryBytesFor(m.config(), 64, GgmlType.F16));
        }
    }
}
