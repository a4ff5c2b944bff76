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

    /**
     * Where C writes (outputs, in-place operands, states, a cache), a read-only buffer is refused by name: a tensor
     * mapped read-only from the model file would otherwise crash the JVM. Read-only inputs (mapped weights) still work.
     */
    @Test
    void readOnlyOutputsAreRefused() {
        try (NativeKernels nk = NativeKernels.open(1, null, null, AiPlacement.NEVER)) {
            FloatBuffer ro = Buffers.floats(4096).asReadOnlyBuffer();
            assertTrue(ro.isDirect() && ro.isReadOnly());
            ByteBuffer roBytes = Buffers.bytes(1 << 16).asReadOnlyBuffer();
            FloatBuffer x = Buffers.floats(4096);
            ByteBuffer w = TestBlocks.randomBlocks(GgmlType.Q8_0, 2 * 2, new java.util.Random(1));
            assertRefused("scale x is read-only, but the kernel writes it", () -> nk.scale(ro, 2f, 64));
            assertRefused("rope x is read-only", () -> nk.rope(ro, 1, 1, 64, 64, 0, 1e4f, 1f, false));
            assertRefused("matmul y is read-only", () -> nk.matmul(GgmlType.Q8_0, w, 2, 64, x, ro, 1));
            assertRefused("rmsNorm out is read-only", () -> nk.rmsNorm(x, null, ro, 64, 1, 1e-5f));
            assertRefused("layerNorm out is read-only", () -> nk.layerNorm(x, null, null, ro, 64, 1, 1e-5f));
            assertRefused("swiglu out is read-only", () -> nk.swiglu(x, x, ro, 64));
            assertRefused("geglu out is read-only", () -> nk.geglu(x, x, ro, 64));
            assertRefused("gelu x is read-only", () -> nk.gelu(ro, 64));
            assertRefused("add out is read-only", () -> nk.add(x, x, ro, 64));
            assertRefused("addBias x is read-only", () -> nk.addBias(ro, x, 64, 1));
            assertRefused("softcap x is read-only", () -> nk.softcap(ro, 30f, 64));
            assertRefused("sigmoidMul out is read-only", () -> nk.sigmoidMul(x, x, ro, 64));
            assertRefused("dequantize dst is read-only", () -> nk.dequantize(GgmlType.Q8_0, w, ro, 64));
            assertRefused("quantize dst is read-only", () -> nk.quantize(GgmlType.Q8_0, x, roBytes, 64));
            assertRefused("storeKv dst is read-only", () -> nk.storeKv(GgmlType.F16, x, 1, 1, 64, roBytes, 128));
            ByteBuffer kv = Buffers.bytes(64 * 4);
            assertRefused("attention out is read-only",
                () -> nk.attention(x, kv, kv, GgmlType.F32, ro, 1, 0, 1, 1, 1, 64, 1f, true, 0));
            assertRefused("causalConv state is read-only", () -> nk.causalConv(ro, x, x, x, 1, 8, 4));
            assertRefused("causalConv out is read-only", () -> nk.causalConv(x, x, x, ro, 1, 8, 4));
            assertRefused("gatedDeltaNet state is read-only", () -> nk.gatedDeltaNet(ro, x, x, x, x, x, Buffers.floats(16), 1, 1, 1,
                16, 1e-6f));
            assertRefused("gatedDeltaNet out is read-only", () -> nk.gatedDeltaNet(Buffers.floats(256), x, x, x, x, x, ro, 1, 1, 1,
                16, 1e-6f));
            ExpertRoutes routes = new ExpertRoutes(new int[] {1}, 1, 1);
            assertRefused("matmulExperts y is read-only",
                () -> nk.matmulExperts(GgmlType.Q8_0, w, 2, 1, 64, x, false, routes, ro));
            assertRefused("matmulExpertsPair up y is read-only", () -> nk.matmulExpertsPair(GgmlType.Q8_0, 2, 1, 64, w, null, w,
                null, x, routes, Buffers.floats(1), ro));
            PackedWeights packed = nk.pack(GgmlType.Q8_0, TestBlocks.randomBlocks(GgmlType.Q8_0, 8 * 2, new java.util.Random(2)),
                8, 64);
            assertRefused("matmul y is read-only", () -> nk.matmulPacked(packed, x, ro, 1));

            // inputs may be read-only: weights come mapped read-only from the model file
            FloatBuffer y = Buffers.floats(2);
            nk.matmul(GgmlType.Q8_0, w.asReadOnlyBuffer(), 2, 64, x.asReadOnlyBuffer(), y, 1);
            FloatBuffer want = Buffers.floats(2);
            ReferenceKernels.INSTANCE.matmul(GgmlType.Q8_0, w, 2, 64, x, want, 1);
            assertEquals(want.get(0), y.get(0), 1e-6f * Math.max(1f, Math.abs(want.get(0))));
        }
    }

    private static void assertRefused(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, expected);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /**
     * A query's position must be one (pos0 >= 0, pos0 + tokens within an int), a causal query's keys must be in the
     * cache (pos0 + tokens <= keys; else its row came back silently zero), and a window is not negative: both kernel
     * sets refuse each with the same message, through the one batched path too.
     */
    @Test
    void attentionPositionsAreCheckedAlikeByBothKernels() {
        try (NativeKernels nk = NativeKernels.open(1, null, null, AiPlacement.NEVER)) {
            FloatBuffer q = Buffers.floats(4 * 64);
            ByteBuffer kv = Buffers.bytes(8 * 64 * 4);
            FloatBuffer out = Buffers.floats(4 * 64);
            record Bad(int nTokens, int pos0, int nKeys, boolean causal, int window, String message) {
            }
            List<Bad> bad = List.of(
                new Bad(1, -1, 8, true, 0, "attention: pos0 -1 is negative (the first query's position)"),
                new Bad(1, -1, 8, false, 0, "attention: pos0 -1 is negative (the first query's position)"),
                new Bad(2, 7, 8, true, 0, "attention: causal queries at positions 7..8 need keys up to position 8, but the cache"
                    + " holds 8 (pos0 + tokens must be <= keys)"),
                new Bad(2, Integer.MAX_VALUE - 1, 8, false, 0, "attention: pos0 2147483646 + 2 tokens passes the largest position"
                    + " 2147483647"),
                new Bad(2, Integer.MAX_VALUE - 1, 8, true, 0, "attention: pos0 2147483646 + 2 tokens passes the largest position"
                    + " 2147483647"),
                new Bad(1, 0, 8, true, -1, "attention: window -1 is negative (0 for none, else the keys a query sees)"),
                new Bad(1, 0, -1, false, 0, "attention: tokens 1, keys -1 (neither may be negative)"));
            for (Bad b : bad) {
                for (Kernels k : new Kernels[] {ReferenceKernels.INSTANCE, nk}) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.attention(q, kv, kv,
                        GgmlType.F32, out, b.nTokens(), b.pos0(), b.nKeys(), 1, 1, 64, 1f, b.causal(), b.window()), k.name() + " " + b);
                    assertEquals(b.message(), e.getMessage(), k.name() + " " + b);
                    List<AttentionSequence> seqs = List.of(new AttentionSequence(q, kv, kv, out, 1, 0, 8),
                        new AttentionSequence(q, kv, kv, out, b.nTokens(), b.pos0(), Math.max(b.nKeys(), 0)));
                    if (b.nKeys() >= 0) {
                        IllegalArgumentException batched = assertThrows(IllegalArgumentException.class,
                            () -> k.attention(seqs, GgmlType.F32, 1, 1, 64, 1f, b.causal(), b.window()), k.name() + " batch " + b);
                        assertEquals(b.message(), batched.getMessage(), k.name() + " batch " + b);
                    }
                }
            }
            // the edge that is allowed: the last causal query at the last cached key
            nk.attention(q, kv, kv, GgmlType.F32, out, 2, 6, 8, 1, 1, 64, 1f, true, 3);
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
        String name = nk.name();
        String ime = nk.imeStatus();
        nk.close();
        nk.close();
        // read once at open: answering after close never touches the freed pool
        assertEquals(name, nk.name());
        assertEquals(ime, nk.imeStatus());
        IllegalStateException closed = assertThrows(IllegalStateException.class,
            () -> nk.matmul(GgmlType.F32, Buffers.bytes(16), 1, 4, Buffers.floats(4), Buffers.floats(1), 1));
        assertEquals("native kernels are closed", closed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NativeKernels.open(0, null, null));
        assertThrows(IllegalArgumentException.class, () -> NativeKernels.open(1, new int[] {-1}, null));
    }
}
