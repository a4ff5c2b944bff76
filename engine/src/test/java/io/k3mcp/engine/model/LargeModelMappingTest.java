package io.k3mcp.engine.model;

import io.k3mcp.engine.testing.SyntheticModel;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 2.2 GB TinyLlama-shaped F16 file loads without its weights entering the heap or being read:
 * resident memory grows by far less than the file (only pages actually touched count).
 */
class LargeModelMappingTest {
    @TempDir
    Path dir;

    @Test
    void tinyLlamaShapedFileIsMappedNotCopied() throws IOException {
        Path file = new SyntheticModel().shape(2048, 22, 32, 4, 5632, 32000, 2048).write(dir.resolve("tinyllama-shape-f16.gguf"));
        try {
            long size = Files.size(file);
            assertTrue(size > 2_200_000_000L, "file is " + size + " bytes");
            System.gc();
            long heapBefore = usedHeap();
            long rssBefore = rssBytes();
            try (Model m = Model.load(file, ReferenceKernels.INSTANCE)) {
                long rssGrowth = rssBytes() - rssBefore;
                long heapGrowth = usedHeap() - heapBefore;
                assertEquals(22, m.config().nLayer());
                assertEquals(64, m.config().headDim());
                assertEquals(5632, m.weights().layers().get(21).w2().cols());
                // a weight deep in the file (past 2 GiB) reads through its mapping
                java.nio.ByteBuffer out = m.weights().output().data();
                assertDoesNotThrow(() -> out.getShort(out.capacity() - 2));
                assertTrue(rssGrowth < size / 20, "RSS grew by " + rssGrowth + " bytes loading a " + size + "-byte file");
                assertTrue(heapGrowth < size / 20, "heap grew by " + heapGrowth + " bytes");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** VmRSS from /proc/self/status, in bytes. */
    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS line in /proc/self/status");
    }
}
