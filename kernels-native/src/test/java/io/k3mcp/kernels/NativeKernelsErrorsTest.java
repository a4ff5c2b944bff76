package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad arguments never reach C: they are refused with a message naming the argument. */
class NativeKernelsErrorsTest {

    @Test
    void availabilityAndName() {
        NativeAvailability a = NativeKernels.available();
        assertTrue(a.available(), a.reason());
        try (NativeKernels nk = NativeKernels.open(1, null, null)) {
            assertTrue(nk.name().startsWith("native-"), nk.name());
            assertTrue(NativeKernels.coverage().contains("matmul.Q4_0 "), NativeKernels.coverage());
            String arch = System.getProperty("os.arch");
            assertEquals(arch.contains("riscv") ? "no A100 workers" : "not built", nk.imeStatus());
        }
    }

    @Test
    void missingLibrarySaysWhy() {
        NativeAvailability a = NativeLib.load("k3kernels-not-there");
        assertFalse(a.available());
        assertTrue(a.reason().startsWith("cannot load libk3kernels-not-there for "), a.reason());
        assertEquals(null, a.isa());
    }

    @Test
    void refusesBadArguments() {
        try (NativeKernels nk = NativeKernels.open(1, null, null, AiPlacement.NEVER)) {
            ByteBuffer w = Buffers.bytes(GgmlType.Q4_0.bytesFor(64) * 2);
            FloatBuffer x = Buffers.floats(64);
            FloatBuffer y = Buffers.floats(2);
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> nk.matmul(GgmlType.Q4_0, w, 3, 64, x, y, 1));
            assertTrue(small.getMessage().contains("matmul weights"), small.getMessage());
            assertThrows(IllegalArgumentException.class, () -> nk.matmul(GgmlType.Q4_0, w, 2, 48, x, y, 1));
            FloatBuffer heap = FloatBuffer.allocate(64);
            IllegalArgumentException notDirect = assertThrows(IllegalArgumentException.class,
                () -> nk.matmul(GgmlType.Q4_0, w, 2, 64, heap, y, 1));
            assertTrue(notDirect.getMessage().contains("not a direct buffer"), notDirect.getMessage());
            FloatBuffer bigEndian = ByteBuffer.allocateDirect(256).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
            assertThrows(IllegalArgumentException.class, () -> nk.scale(bigEndian, 2f, 64));
            assertThrows(IllegalArgumentException.class, () -> nk.rmsNorm(x, null, null, 64, 1, 1e-5f));
            assertThrows(IllegalArgumentException.class, () -> nk.rope(x, 1, 1, 64, 63, 0, 1e4f, 1f, false));
            IllegalArgumentException fewFactors = assertThrows(IllegalArgumentException.class,
                () -> nk.rope(x, 1, 1, 64, 64, 0, 1e4f, 1f, false, Buffers.floats(31)));
            assertTrue(fewFactors.getMessage().contains("rope frequency factors holds 31 elements, needs 32"), fewFactors.getMessage());
            IllegalArgumentException cap = assertThrows(IllegalArgumentException.class, () -> nk.softcap(x, 0f, 4));
            assertTrue(cap.getMessage().contains("cap 0.0"), cap.getMessage());
            assertThrows(IllegalArgumentException.class, () -> nk.attention(x, w, w, GgmlType.Q4_1, x, 1, 0, 1, 1, 1, 64, 1f, true, 0));
            IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> nk.attention(x, w, w, GgmlType.Q8_0, x, 1, 0, 1, 1, 1, 48, 1f, true, 0));
            assertTrue(ragged.getMessage().contains("head size 48 is not a multiple of Q8_0's block of 32"), ragged.getMessage());
            assertThrows(IllegalArgumentException.class, () -> nk.attention(x, w, w, GgmlType.F32, x, 1, 0, 1, 3, 2, 16, 1f, true, 0));
            // a batch whose second sequence's queries are shorter than its token count says: refused before the call
            FloatBuffer q64 = Buffers.floats(64);
            ByteBuffer kv = Buffers.bytes(64 * 4 * 8);
            List<AttentionSequence> seqs = List.of(new AttentionSequence(q64, kv, kv, Buffers.floats(64), 1, 0, 8),
                new AttentionSequence(q64, kv, kv, Buffers.floats(128), 2, 0, 8));
            IllegalArgumentException shortQ = assertThrows(IllegalArgumentException.class,
                () -> nk.attention(seqs, GgmlType.F32, 1, 1, 64, 1f, true, 0));
            assertTrue(shortQ.getMessage().contains("attention q"), shortQ.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> nk.quantize(GgmlType.Q4_K, Buffers.floats(256), Buffers.bytes(256), 256));
            assertThrows(IllegalArgumentException.class, () -> nk.dequantize(GgmlType.Q4_0, w, x, 33));
            IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> nk.dequantize(GgmlType.Q4_0, w, x, -32));
            assertTrue(negative.getMessage().contains("negative"), negative.getMessage());
            assertThrows(IllegalArgumentException.class, () -> nk.addBias(x, x, 4, -1));
            assertThrows(IllegalArgumentException.class, () -> nk.rmsNorm(x, null, x, 0, 1, 1e-5f));
        }
    }

    @Test
    void oneSharedPoolPerProcess() {
        NativeKernels a = NativeKernels.shared(2, null, null);
        assertTrue(a == NativeKernels.shared(2, null, null), "same configuration, same pool");
        IllegalStateException other = assertThrows(IllegalStateException.class, () -> NativeKernels.shared(1, null, null));
        assertTrue(other.getMessage().contains("already has a kernel pool of 2 threads"), other.getMessage());
        a.close();
        NativeKernels b = NativeKernels.shared(1, null, null);
        assertFalse(a == b);
        b.close();
    }

    @Test
    void closedKernelsAndBadPools() {
        NativeKernels nk = NativeKernels.open(1, null, null);
        nk.close();
        nk.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class,
            () -> nk.matmul(GgmlType.F32, Buffers.bytes(16), 1, 4, Buffers.floats(4), Buffers.floats(1), 1));
        assertEquals("native kernels are closed", closed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NativeKernels.open(0, null, null));
        assertThrows(IllegalArgumentException.class, () -> NativeKernels.open(1, new int[] {-1}, null));
    }
}
