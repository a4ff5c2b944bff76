package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Expert products (mixture-of-experts layers): the reference equals a dense product of each pair's own
 * expert slab exactly; the native kernels (fast and generic C, file layout and packed slabs, x shared by
 * a token's slots or one row per slot) equal the reference within the float reassociation of their dots
 * (2e-5 of the largest output); bad routes are refused naming the token, slot and expert. A gate/up pair
 * in one call gives each matrix's single-call products: exactly on the reference and on the native kernels
 * (one pass, same dots), file layout and packed slabs, mixed packing included.
 */
class ExpertMatmulTest {
    private static final ReferenceKernels REF = ReferenceKernels.INSTANCE;
    private static NativeKernels nk;

    @BeforeAll
    static void open() {
        nk = TestBlocks.openNative(2);
    }

    @AfterAll
    static void close() {
        NativeKernels.useGenericPath(false);
        nk.close();
    }

    private record Case(GgmlType type, int nExpert, int rows, int cols, ByteBuffer w, FloatBuffer x, ExpertRoutes routes,
                        boolean perSlot) {
        static Case random(GgmlType type, int nExpert, int rows, int nTokens, int nUsed, boolean perSlot, long seed) {
            Random rnd = new Random(seed);
            int cols = type.blockSize * (type.blockSize == 256 ? 2 : 5);
            ByteBuffer w = TestBlocks.randomBlocks(type, nExpert * rows * cols / type.blockSize, rnd);
            int[] ids = new int[nTokens * nUsed];
            for (int t = 0; t < nTokens; t++) {
                int first = rnd.nextInt(nExpert);
                for (int s = 0; s < nUsed; s++) {
                    ids[t * nUsed + s] = (first + s) % nExpert;
                }
            }
            int xRows = perSlot ? nTokens * nUsed : nTokens;
            FloatBuffer x = TestBlocks.floats(TestBlocks.gaussian(rnd, xRows * cols, 1.0));
            return new Case(type, nExpert, rows, cols, w, x, new ExpertRoutes(ids, nTokens, nUsed), perSlot);
        }

        float[] reference() {
            FloatBuffer y = Buffers.floats(routes.pairs() * rows);
            REF.matmulExperts(type, w, nExpert, rows, cols, x, perSlot, routes, y);
            return TestBlocks.array(y, routes.pairs() * rows);
        }
    }

    @ParameterizedTest
    @CsvSource({"F32, 1, false", "F16, 3, true", "Q8_0, 5, false", "Q4_K, 2, true", "Q6_K, 4, false"})
    void referenceEqualsEachPairsOwnDenseProduct(GgmlType type, int nTokens, boolean perSlot) {
        Case c = Case.random(type, 4, 24, nTokens, 2, perSlot, nTokens * 31L + type.id);
        float[] got = c.reference();
        long slab = type.bytesFor(c.cols()) * c.rows();
        for (int p = 0; p < c.routes().pairs(); p++) {
            int e = c.routes().experts()[p];
            FloatBuffer xp = Buffers.floats(c.cols());
            float[] row = new float[c.cols()];
            c.x().get((perSlot ? p : p / 2) * c.cols(), row);
            xp.put(0, row);
            FloatBuffer y = Buffers.floats(c.rows());
            REF.matmul(type, c.w().slice((int) (e * slab), (int) slab), c.rows(), c.cols(), xp, y, 1);
            for (int r = 0; r < c.rows(); r++) {
                assertEquals(y.get(r), got[p * c.rows() + r], "pair " + p + " row " + r);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"F16, 1, 2, false", "Q8_0, 1, 4, false", "Q8_0, 7, 2, true", "Q4_0, 5, 3, false", "Q4_K, 1, 4, true",
        "Q4_K, 6, 2, false", "Q6_K, 1, 3, false", "Q6_K, 9, 2, true", "Q5_K, 4, 2, false"})
    void nativeMatchesTheReference(GgmlType type, int nTokens, int nUsed, boolean perSlot) {
        Case c = Case.random(type, 6, 40, nTokens, nUsed, perSlot, nTokens * 101L + nUsed + type.id);
        float[] want = c.reference();
        float scale = 0;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        PackedWeights packed = nk.pack(type, c.w(), c.nExpert() * c.rows(), c.cols());
        for (boolean generic : new boolean[] {false, true}) {
            NativeKernels.useGenericPath(generic);
            FloatBuffer y = Buffers.floats(want.length);
            nk.matmulExperts(type, c.w(), c.nExpert(), c.rows(), c.cols(), c.x(), perSlot, c.routes(), y);
            FloatBuffer yp = Buffers.floats(want.length);
            if (packed != null) {
                nk.matmulExpertsPacked(packed, c.nExpert(), c.x(), perSlot, c.routes(), yp);
            }
            NativeKernels.useGenericPath(false);
            for (int i = 0; i < want.length; i++) {
                String where = (generic ? "generic" : "fast") + " pair " + i / c.rows() + " row " + i % c.rows();
                assertEquals(want[i], y.get(i), 2e-5f * scale, where);
                if (packed != null) {
                    assertEquals(want[i], yp.get(i), 2e-5f * scale, "packed " + where);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"Q4_K, 1, 8", "Q4_K, 5, 3", "Q6_K, 1, 4", "Q6_K, 7, 2", "Q8_0, 3, 2", "Q4_0, 1, 8", "Q5_K, 2, 2", "F16, 1, 2"})
    void aPairEqualsEachMatrixsOwnProduct(GgmlType type, int nTokens, int nUsed) {
        Case gate = Case.random(type, 8, 24, nTokens, nUsed, false, nTokens * 7L + type.id);
        Case up = Case.random(type, 8, 24, nTokens, nUsed, false, nTokens * 7L + type.id + 1000);
        int n = gate.routes().pairs() * gate.rows();
        PackedWeights pg = nk.pack(type, gate.w(), 8 * 24, gate.cols());
        PackedWeights pu = nk.pack(type, up.w(), 8 * 24, up.cols());
        for (Kernels k : new Kernels[] {REF, nk}) {
            for (boolean generic : new boolean[] {false, true}) {
                for (int packing = 0; packing < 3; packing++) { // neither, both, only gate packed
                    PackedWeights a = packing > 0 && k == nk ? pg : null;
                    PackedWeights b = packing == 1 && k == nk ? pu : null;
                    NativeKernels.useGenericPath(generic);
                    FloatBuffer wantG = single(k, gate.w(), a, gate);
                    FloatBuffer wantU = single(k, up.w(), b, gate);
                    FloatBuffer gotG = Buffers.floats(n);
                    FloatBuffer gotU = Buffers.floats(n);
                    k.matmulExpertsPair(type, 8, 24, gate.cols(), gate.w(), a, up.w(), b, gate.x(), gate.routes(), gotG, gotU);
                    NativeKernels.useGenericPath(false);
                    for (int i = 0; i < n; i++) {
                        String where = k.name() + (generic ? " generic" : "") + " packing " + packing + " output " + i;
                        assertEquals(wantG.get(i), gotG.get(i), "gate " + where);
                        assertEquals(wantU.get(i), gotU.get(i), "up " + where);
                    }
                }
            }
        }
    }

    /** w's product on c's x and routes, through the single-tensor call. */
    private static FloatBuffer single(Kernels k, ByteBuffer w, PackedWeights packed, Case c) {
        FloatBuffer y = Buffers.floats(c.routes().pairs() * c.rows());
        if (packed != null) {
            k.matmulExpertsPacked(packed, c.nExpert(), c.x(), false, c.routes(), y);
        } else {
            k.matmulExperts(c.type(), w, c.nExpert(), c.rows(), c.cols(), c.x(), false, c.routes(), y);
        }
        return y;
    }

    @Test
    void aPairRefusesBadArgumentsByName() {
        Case c = Case.random(GgmlType.Q8_0, 4, 8, 2, 2, false, 5);
        ExpertRoutes bad = new ExpertRoutes(new int[] {0, 1, 2, 4}, 2, 2);
        for (Kernels k : new Kernels[] {REF, nk}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.matmulExpertsPair(GgmlType.Q8_0,
                4, 8, c.cols(), c.w(), null, c.w(), null, c.x(), bad, Buffers.floats(32), Buffers.floats(32)));
            assertTrue(e.getMessage().contains("token 1 slot 1 names expert 4, outside 0..3"), k.name() + ": " + e.getMessage());
        }
        IllegalArgumentException shortY = assertThrows(IllegalArgumentException.class, () -> nk.matmulExpertsPair(GgmlType.Q8_0,
            4, 8, c.cols(), c.w(), null, c.w(), null, c.x(), c.routes(), Buffers.floats(32), Buffers.floats(31)));
        assertTrue(shortY.getMessage().contains("matmulExpertsPair up y"), shortY.getMessage());
        IllegalArgumentException shortW = assertThrows(IllegalArgumentException.class, () -> nk.matmulExpertsPair(GgmlType.Q8_0,
            4, 8, c.cols(), c.w(), null, c.w().slice(0, 100), null, c.x(), c.routes(), Buffers.floats(32), Buffers.floats(32)));
        assertTrue(shortW.getMessage().contains("matmulExpertsPair up weights"), shortW.getMessage());
        PackedWeights packed = nk.pack(GgmlType.Q8_0, c.w(), 32, c.cols());
        PackedWeights half = nk.pack(GgmlType.Q8_0, c.w(), 16, c.cols());
        IllegalArgumentException wrongSlabs = assertThrows(IllegalArgumentException.class, () -> nk.matmulExpertsPair(
            GgmlType.Q8_0, 4, 8, c.cols(), c.w(), packed, c.w(), half, c.x(), c.routes(), Buffers.floats(32), Buffers.floats(32)));
        assertTrue(wrongSlabs.getMessage().contains("matmulExpertsPair up: packed weights of 16 x " + c.cols()
            + " are not 4 experts of 8 x " + c.cols()), wrongSlabs.getMessage());
    }

    @Test
    void packedSlabsExistWhereTheTypeHasALayout() {
        Case c = Case.random(GgmlType.Q4_0, 3, 16, 2, 2, false, 3);
        PackedWeights packed = nk.pack(GgmlType.Q4_0, c.w(), 48, c.cols());
        assertNotNull(packed, "three 16-row Q4_0 slabs pack as 48 rows");
        float[] want = c.reference();
        float scale = 0;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        FloatBuffer y = Buffers.floats(want.length);
        nk.matmulExpertsPacked(packed, c.nExpert(), c.x(), false, c.routes(), y);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], y.get(i), 2e-5f * scale, "each slab is its own expert: pair " + i / c.rows() + " row " + i % c.rows());
        }
    }

    /** Tokens x slots past an int are refused, not wrapped: 2^20 x 2^12 would wrap to 0 and match an empty id array. */
    @Test
    void routesPastAnIntAreRefused() {
        IllegalArgumentException wrapped = assertThrows(IllegalArgumentException.class,
            () -> new ExpertRoutes(new int[0], 1 << 20, 1 << 12));
        assertEquals("expert routes: 1048576 tokens x 4096 used experts = 4294967296 pairs, more than the 2147483647 an int "
            + "index holds", wrapped.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
            () -> new ExpertRoutes(new int[0], 1 << 16, 1 << 15));
        assertTrue(negative.getMessage().contains("2147483648 pairs"), negative.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new ExpertRoutes(null, 1, 1));
        assertEquals("expert routes: the expert ids are null", none.getMessage());
    }

    @Test
    void badRoutesAreRefusedByName() {
        Case c = Case.random(GgmlType.Q8_0, 4, 8, 2, 2, false, 5);
        ExpertRoutes bad = new ExpertRoutes(new int[] {0, 1, 2, 4}, 2, 2);
        for (Kernels k : new Kernels[] {REF, nk}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.matmulExperts(GgmlType.Q8_0, c.w(), 4, 8, c.cols(), c.x(), false, bad, Buffers.floats(32)));
            assertTrue(e.getMessage().contains("token 1 slot 1 names expert 4, outside 0..3"), k.name() + ": " + e.getMessage());
        }
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> new ExpertRoutes(new int[3], 2, 2));
        assertTrue(count.getMessage().contains("3 expert ids for 2 tokens x 2 slots"), count.getMessage());
        IllegalArgumentException shortX = assertThrows(IllegalArgumentException.class,
            () -> nk.matmulExperts(GgmlType.Q8_0, c.w(), 4, 8, c.cols(), Buffers.floats(c.cols()), false, c.routes(),
                Buffers.floats(32)));
        assertTrue(shortX.getMessage().contains("matmulExperts x"), shortX.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
            () -> REF.matmulExperts(GgmlType.Q8_0, c.w(), 5, 8, c.cols(), c.x(), false, c.routes(), Buffers.floats(32)));
        assertTrue(small.getMessage().contains("5 experts of 8 x"), small.getMessage());
        UnsupportedOperationException foreign = assertThrows(UnsupportedOperationException.class,
            () -> REF.matmulExpertsPacked(nk.pack(GgmlType.Q8_0, c.w(), 32, c.cols()), 4, c.x(), false, c.routes(),
                Buffers.floats(32)));
        assertTrue(foreign.getMessage().contains("k3k-x8-v1"), foreign.getMessage());
    }
}
