package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool's placement report and the K3 ai-thread handshake, on a fake proc file. */
class WorkerPlacementTest {
    private static final int ENOENT = 2;

    @Test
    void pinnedWorkersReportWhereTheyRun() {
        try (NativeKernels nk = NativeKernels.open(2, new int[] {0}, null, AiPlacement.NEVER)) {
            List<WorkerPlacement> p = nk.placement();
            assertEquals(2, p.size());
            for (WorkerPlacement w : p) {
                assertEquals(0, w.requestedCpu());
                assertEquals(0, w.actualCpu(), w.describe());
                assertTrue(w.affinityOk(), w.describe());
                assertEquals(List.of(0), w.affinityCpus());
                assertFalse(w.aiAttempted());
                assertTrue(w.placedAsRequested());
                assertTrue(w.tid() > 0);
                assertFalse(w.callerThread(), "a pinned pool runs every share on its own threads");
            }
        }
    }

    @Test
    void anUnpinnedPoolRunsShareZeroOnTheCallingThread() {
        try (NativeKernels nk = NativeKernels.open(3, null, null, AiPlacement.NEVER)) {
            List<WorkerPlacement> p = nk.placement();
            assertEquals(3, p.size());
            assertTrue(p.get(0).callerThread(), p.get(0).describe());
            assertTrue(p.get(0).describe().contains("caller_thread"), p.get(0).describe());
            assertFalse(p.get(1).callerThread());
            assertFalse(p.get(2).callerThread());
            assertTrue(p.get(1).tid() != p.get(0).tid() && p.get(2).tid() != p.get(1).tid(), p.toString());
        }
    }

    @Test
    void unpinnedWorkersAreNotRegistered() {
        try (NativeKernels nk = NativeKernels.open(2, null, null, AiPlacement.ALWAYS)) {
            for (WorkerPlacement w : nk.placement()) {
                assertEquals(-1, w.requestedCpu());
                assertFalse(w.aiAttempted(), "the handshake belongs to a target core: " + w.describe());
            }
        }
    }

    @Test
    void handshakeWritesTheWorkerTidBeforePinning(@TempDir Path dir) throws IOException {
        Path fake = dir.resolve("set_ai_thread");
        Files.writeString(fake, "");
        try (NativeKernels nk = NativeKernels.open(1, new int[] {0}, fake.toString(), AiPlacement.ALWAYS)) {
            WorkerPlacement w = nk.placement().get(0);
            assertTrue(w.aiAttempted());
            assertEquals(0, w.aiErrno(), w.describe());
            assertTrue(w.placedAsRequested(), w.describe());
            assertEquals(String.valueOf(w.tid()), Files.readString(fake, StandardCharsets.US_ASCII).trim());
        }
    }

    @Test
    void refusedHandshakeIsReportedNotHidden(@TempDir Path dir) {
        String missing = dir.resolve("no-such-dir/set_ai_thread").toString();
        try (NativeKernels nk = NativeKernels.open(1, new int[] {0}, missing, AiPlacement.ALWAYS)) {
            WorkerPlacement w = nk.placement().get(0);
            assertTrue(w.aiAttempted());
            assertEquals(ENOENT, w.aiErrno());
            assertFalse(w.placedAsRequested(), w.describe());
            assertTrue(w.describe().contains("ai_thread=refused errno=2"), w.describe());
        }
    }

    @Test
    void autoModeSkipsTheHandshakeOnOrdinaryCores(@TempDir Path dir) throws IOException {
        Path fake = dir.resolve("set_ai_thread");
        Files.writeString(fake, "");
        try (NativeKernels nk = NativeKernels.open(1, new int[] {0}, fake.toString())) {
            assertFalse(nk.placement().get(0).aiAttempted(), "cpu 0 of this host is not an A100 core");
            assertEquals("", Files.readString(fake));
        }
    }
}
