package io.k3mcp.engine.model;

import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A long context allocates its rows as they fill: the numbers are those of a cache made to the exact length. */
class KvCacheGrowthTest {

    @Test
    void aLongContextHoldsOnlyWhatIsWrittenAndComputesTheSameLogits() throws IOException {
        Golden g = Golden.load("llama-mini-f32");
        try (Model m = Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE)) {
            ModelConfig c = m.config();
            long perRow = 2L * 2 * c.nKvHead() * c.headDim(); // K and V, F16
            int capacity = 2048;
            KvCache big = new KvCache(c, capacity, GgmlType.F16);
            assertEquals(0, big.allocatedBytes());
            assertEquals(perRow * c.nLayer() * capacity, big.bytes());
            assertEquals(big.bytes(), KvCache.bytesFor(c, capacity, GgmlType.F16));

            // 300 tokens in batches of 100: the rows grow past the first allocation while earlier rows stay
            int[] tokens = new int[300];
            Arrays.setAll(tokens, i -> 1 + (i * 37) % (c.nVocab() - 1));
            Transformer tf = new Transformer(m, ReferenceKernels.INSTANCE, 100);
            float[] grown = tf.forward(big, tokens, true);
            float[] exact = tf.forward(new KvCache(c, 300, GgmlType.F16), tokens, true);
            assertArrayEquals(exact, grown);
            long allocated = big.allocatedBytes();
            // 100 rows take the first 256; 300 double them to 512
            assertEquals(perRow * c.nLayer() * 2 * KvCache.FIRST_ROWS, allocated);
            assertTrue(allocated < big.bytes());
        }
    }
}
