package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * The native packed layouts (Q4_0, Q8_0, Q4_K and Q6_K, eight rows interleaved): the product equals the reference product of the file's bytes (within the
 * float reassociation of eight rows in parallel: 2e-5 of the largest output), on the fast and the
 * generic C path, for every token count the kernel groups differently; types and shapes without a
 * layout, and packed weights handed to an implementation that does not read them, are refused clearly.
 */
class PackedWeightsTest {
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

    @ParameterizedTest
    @CsvSource({"Q4_0, 1", "Q4_0, 2", "Q4_0, 4", "Q4_0, 5", "Q4_0, 11", "Q8_0, 1", "Q8_0, 3", "Q8_0, 4", "Q8_0, 9",
        "Q4_K, 1", "Q4_K, 2", "Q4_K, 3", "Q4_K, 4", "Q4_K, 7", "Q6_K, 1", "Q6_K, 2", "Q6_K, 3", "Q6_K, 4", "Q6_K, 6"})
    void packedMatchesTheReferenceProduct(GgmlType type, int nTokens) {
        Random rnd = new Random(nTokens * 101L + type.id);
        int rows = 48;
        int cols = type.blockSize * (type.blockSize == 256 ? 3 : 9);
        ByteBuffer w = TestBlocks.randomBlocks(type, rows * cols / type.blockSize, rnd);
        FloatBuffer x = TestBlocks.floats(TestBlocks.gaussian(rnd, cols * nTokens, 1.0));
        FloatBuffer want = Buffers.floats(rows * nTokens);
        ReferenceKernels.INSTANCE.matmul(type, w, rows, cols, x, want, nTokens);
        float[] ref = TestBlocks.array(want, rows * nTokens);
        float scale = 0;
        for (float v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }

        PackedWeights p = nk.pack(type, w, rows, cols);
        assertNotNull(p, type + " with rows a multiple of 8 has a packed layout");
        assertTrue(nk.reads(p));
        for (boolean generic : new boolean[] {false, true}) {
            FloatBuffer y = Buffers.floats(rows * nTokens);
            NativeKernels.useGenericPath(generic);
            try {
                nk.matmulPacked(p, x, y, nTokens);
            } finally {
                // a failed product must not leave the rest of the suite on the generic path
                NativeKernels.useGenericPath(false);
            }
            float[] got = TestBlocks.array(y, rows * nTokens);
            for (int i = 0; i < got.length; i++) {
                assertEquals(ref[i], got[i], 2e-5f * scale, (generic ? "generic" : "fast") + " token " + i / rows + " row " + i % rows);
            }
        }
    }

    @Test
    void typesAndShapesWithoutALayoutAreNotPacked() {
        Random rnd = new Random(5);
        ByteBuffer q5k = TestBlocks.randomBlocks(GgmlType.Q5_K, 16, rnd);
        assertNull(nk.pack(GgmlType.Q5_K, q5k, 16, 256), "Q5_K has no packed layout");
        ByteBuffer q4 = TestBlocks.randomBlocks(GgmlType.Q4_0, 12 * 2, rnd);
        assertNull(nk.pack(GgmlType.Q4_0, q4, 12, 64), "12 rows are not whole groups of 8");
        assertNull(ReferenceKernels.INSTANCE.pack(GgmlType.Q4_0, q4, 8, 64), "the reference has no packed layout");
    }

    @Test
    void packedWeightsGoOnlyToAnImplementationThatReadsThem() {
        ByteBuffer q4 = TestBlocks.randomBlocks(GgmlType.Q4_0, 8 * 2, new Random(9));
        PackedWeights p = nk.pack(GgmlType.Q4_0, q4, 8, 64);
        assertFalse(ReferenceKernels.INSTANCE.reads(p));
        FloatBuffer x = Buffers.floats(64);
        FloatBuffer y = Buffers.floats(8);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
            () -> ReferenceKernels.INSTANCE.matmulPacked(p, x, y, 1));
        assertTrue(e.getMessage().contains("k3k-x8-v1"), e.getMessage());
        PackedWeights foreign = new PackedWeights("someone-else", GgmlType.Q4_0, p.data(), q4, 8, 64);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> nk.matmulPacked(foreign, x, y, 1));
        assertTrue(bad.getMessage().contains("layout someone-else"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> nk.matmulPacked(p, Buffers.floats(32), y, 1), "x too short");
    }

    /**
     * PackedWeights is a public record: one built by hand is checked against the bytes its type and shape take in the
     * layout (8 rows x 64 columns of Q4_0: two block columns of eight 18-byte blocks, 288 bytes), not against its own
     * buffer, whose capacity is whatever it was given; a type or shape without the layout is refused by name.
     */
    @Test
    void handBuiltPackedWeightsAreCheckedAgainstTheLayoutsSize() {
        ByteBuffer q4 = TestBlocks.randomBlocks(GgmlType.Q4_0, 16 * 2, new Random(11));
        FloatBuffer x = Buffers.floats(64);
        FloatBuffer y = Buffers.floats(16);
        // a 16-byte window on a larger buffer: were it read past, the test would fail rather than crash
        ByteBuffer sixteen = Buffers.bytes(4096).slice(0, 16);
        PackedWeights tiny = new PackedWeights(Packing.LAYOUT, GgmlType.Q4_0, sixteen, q4, 8, 64);
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> nk.matmulPacked(tiny, x, y, 1));
        assertEquals("matmulPacked weights holds 16 bytes, needs 288", small.getMessage());

        PackedWeights eight = nk.pack(GgmlType.Q4_0, q4, 8, 64);
        assertNotNull(eight);
        assertEquals(288, eight.data().capacity());
        PackedWeights claimsSixteen = new PackedWeights(eight.layout(), GgmlType.Q4_0, eight.data(), q4, 16, 64);
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
            () -> nk.matmulPacked(claimsSixteen, x, y, 1));
        assertEquals("matmulPacked weights holds 288 bytes, needs 576", rows.getMessage());
        PackedWeights claimsWider = new PackedWeights(eight.layout(), GgmlType.Q4_0, eight.data(), q4, 8, 128);
        IllegalArgumentException cols = assertThrows(IllegalArgumentException.class,
            () -> nk.matmulPacked(claimsWider, Buffers.floats(128), y, 1));
        assertEquals("matmulPacked weights holds 288 bytes, needs 576", cols.getMessage());

        PackedWeights ragged = new PackedWeights(Packing.LAYOUT, GgmlType.Q4_0, eight.data(), q4, 12, 64);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> nk.matmulPacked(ragged, x, y, 1));
        assertTrue(shape.getMessage().contains("matmulPacked weights: Q4_0 12 x 64 has no k3k-x8-v1 layout"), shape.getMessage());
        ByteBuffer q5k = TestBlocks.randomBlocks(GgmlType.Q5_K, 8, new Random(12));
        PackedWeights noLayout = new PackedWeights(Packing.LAYOUT, GgmlType.Q5_K, Buffers.bytes(1 << 16), q5k, 8, 256);
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
            () -> nk.matmulPacked(noLayout, Buffers.floats(256), y, 1));
        assertTrue(type.getMessage().contains("Q5_K 8 x 256 has no k3k-x8-v1 layout"), type.getMessage());
    }

    /** The same for expert slabs: nExpert slabs of the layout's size, whichever expert product reads them. */
    @Test
    void handBuiltPackedExpertSlabsAreCheckedAgainstTheLayoutsSize() {
        ByteBuffer q4 = TestBlocks.randomBlocks(GgmlType.Q4_0, 2 * 8 * 2, new Random(13));
        ExpertRoutes routes = new ExpertRoutes(new int[] {1}, 1, 1);
        FloatBuffer x = Buffers.floats(64);
        ByteBuffer sixteen = Buffers.bytes(4096).slice(0, 16);
        PackedWeights tiny = new PackedWeights(Packing.LAYOUT, GgmlType.Q4_0, sixteen, q4, 16, 64);
        IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
            () -> nk.matmulExpertsPacked(tiny, 2, x, false, routes, Buffers.floats(8)));
        assertEquals("packed expert weights holds 16 bytes, needs 576", single.getMessage());
        PackedWeights whole = nk.pack(GgmlType.Q4_0, q4, 16, 64);
        assertNotNull(whole);
        IllegalArgumentException pair = assertThrows(IllegalArgumentException.class, () -> nk.matmulExpertsPair(GgmlType.Q4_0, 2,
            8, 64, q4, whole, q4, tiny, x, routes, Buffers.floats(8), Buffers.floats(8)));
        assertEquals("packed expert weights holds 16 bytes, needs 576", pair.getMessage());
        // 16 rows as two slabs of 8 read; as four slabs of 4 they are not whole row groups
        IllegalArgumentException slabs = assertThrows(IllegalArgumentException.class,
            () -> nk.matmulExpertsPacked(whole, 4, x, false, routes, Buffers.floats(4)));
        assertTrue(slabs.getMessage().contains("packed expert weights: Q4_0 4 x 64 has no k3k-x8-v1 layout"), slabs.getMessage());
    }

    @Test
    void thePackSettingNamesTypesOrNone() {
        assertEquals(java.util.EnumSet.allOf(GgmlType.class), Packing.types(null));
        assertTrue(Packing.types("0").isEmpty());
        assertEquals(java.util.EnumSet.of(GgmlType.Q4_0, GgmlType.Q4_K), Packing.types("q4_0, Q4_K"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Packing.types("Q4_0,Q9"));
        assertTrue(e.getMessage().contains("'Q9' is not a tensor type"), e.getMessage());
    }
}
