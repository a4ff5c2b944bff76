package io.k3mcp.engine.gguf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.k3mcp.engine.embed.EmbeddingModel;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.synthetic.SyntheticModels;
import io.k3mcp.engine.synthetic.SyntheticPlan;
import io.k3mcp.engine.synthetic.SyntheticShape;
import io.k3mcp.engine.synthetic.SyntheticType;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GgufFile#prefault}: a tensor whose pages the kernel dropped from its cache is in memory afterwards, and
 * loading a model does it for the token embedding, which decode reads a row per token (a row of a new token must
 * not wait on the disk). The pages are dropped with posix_fadvise(DONTNEED) after an fsync, which Linux honours
 * for clean pages nobody maps, so "not resident" before is checked, not assumed; the tensors are larger than the
 * kernel's readahead while the header is parsed (read_ahead_kb is 8192 here).
 */
class PrefaultTest {
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final int O_RDONLY = 0;

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int open(String path, int flags);

        int posix_fadvise(int fd, long offset, long len, int advice);

        int close(int fd);
    }

    @TempDir
    Path dir;

    @Test
    void prefaultReadsADroppedTensorIntoMemory() throws IOException {
        Path p = dir.resolve("one-tensor.gguf");
        ByteBuffer data = ByteBuffer.allocate(32 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < data.capacity() / 4; i++) {
            data.putFloat(i * 4, i * 0.5f);
        }
        new GgufWriter().putString("general.architecture", "llama")
                .addTensor("t", GgmlType.F32, new long[] {data.capacity() / 4}, data).write(p);
        dropFromPageCache(p);
        try (GgufFile f = GgufFile.open(p)) {
            GgufTensor t = f.tensor("t");
            assertFalse(f.resident(t), "the dropped tensor's pages are still cached");
            f.prefault(t);
            assertTrue(f.resident(t), "prefault left pages on the disk");
            assertEquals(1234 * 0.5f, f.data(t).getFloat(1234 * 4), "prefault changed what the mapping reads");
        }
    }

    @Test
    void loadingAModelPrefaultsTheTokenEmbedding() throws IOException {
        SyntheticShape shape = new SyntheticShape("wide-vocab", "llama", 512, 1, 8, 1, 64, 512, 32000,
                256, 10000f, 1e-5f, false, false, "llama", null); // a 17 MB embedding: more than the header's readahead
        Path p = new SyntheticModels(dir).ensure(SyntheticPlan.of(shape, SyntheticType.Q8_0));
        dropFromPageCache(p);
        assertFalse(tokenTableResident(p), "the dropped embedding's pages are still cached");
        try (Model m = Model.load(p, ReferenceKernels.INSTANCE)) {
            assertEquals(32000, m.config().nVocab());
            assertTrue(tokenTableResident(p), "the token embedding waits on the disk after load");
        }
    }

    @Test
    void openingABertEmbeddingModelPrefaultsItsTokenTable() throws IOException {
        Path p = Shared.model("all-minilm-l6-v2-f16.gguf"); // 23 MB token table; read only (never written: no fsync)
        adviseDontNeed(p);
        assertFalse(tokenTableResident(p), "the dropped token table's pages are still cached");
        try (EmbeddingModel m = EmbeddingModel.open(p, ReferenceKernels.INSTANCE)) {
            assertEquals(384, m.dim());
            assertTrue(tokenTableResident(p), "the token table waits on the disk after load");
        }
    }

    /** Whether the file's token_embd.weight pages are all in memory, seen through a mapping of its own. */
    private static boolean tokenTableResident(Path p) throws IOException {
        try (GgufFile f = GgufFile.open(p)) {
            return f.resident(f.tensor("token_embd.weight"));
        }
    }

    /** fsync, then ask the kernel to drop the file's clean pages. */
    private static void dropFromPageCache(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        adviseDontNeed(p);
    }

    /** Asks the kernel to drop the file's pages; clean ones (all of them, for a file nobody wrote) go. */
    private static void adviseDontNeed(Path p) {
        int fd = LibC.INSTANCE.open(p.toString(), O_RDONLY);
        assertTrue(fd >= 0, "cannot open " + p);
        try {
            assertEquals(0, LibC.INSTANCE.posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), "posix_fadvise failed");
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }
}
