package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * NativeKernels.matmul against ReferenceKernels for every weight type, on odd shapes with weight rows
 * starting at odd addresses. Tolerances: the generic C path must equal the reference exactly (same
 * arithmetic, same order); the ISA path may reassociate the float sums, so it must agree within
 * 2e-5 of the largest output magnitude (the integer block sums are exact on every path).
 */
class NativeMatmulTest {
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
    @EnumSource(value = GgmlType.class, names = "Q8_1", mode = EnumSource.Mode.EXCLUDE)
    void matmulMatchesReference(GgmlType type) {
        Random rnd = new Random(type.id * 31L + 7);
        int cols = type.blockSize == 1 ? 67 : type.blockSize * (type.blockSize == 256 ? 3 : 7);
        if (type.vecDotType().blockSize > 1 && cols % type.vecDotType().blockSize != 0) {
            cols = type.vecDotType().blockSize * 3;
        }
        for (int nTokens : new int[] {1, 3, 5}) {
            int rows = 13;
            ByteBuffer blocks = TestBlocks.randomBlocks(type, (int) (type.bytesFor((long) cols * rows) / type.typeSize), rnd);
            ByteBuffer padded = TestBlocks.le(blocks.capacity() + 1);
            padded.put(1, blocks, 0, blocks.capacity());
            ByteBuffer w = Buffers.slice(padded, 1, blocks.capacity()); // rows at odd addresses
            FloatBuffer x = TestBlocks.floats(TestBlocks.gaussian(rnd, cols * nTokens, 1.0));
            FloatBuffer yRef = Buffers.floats(rows * nTokens);
            ReferenceKernels.INSTANCE.matmul(type, w, rows, cols, x, yRef, nTokens);
            float[] want = TestBlocks.array(yRef, rows * nTokens);

            FloatBuffer y = Buffers.floats(rows * nTokens);
            NativeKernels.useGenericPath(true);
            nk.matmul(type, w, rows, cols, x, y, nTokens);
            NativeKernels.useGenericPath(false);
            assertArrayEquals(want, TestBlocks.array(y, rows * nTokens), 0.0f, type + " generic C, tokens " + nTokens);

            nk.matmul(type, w, rows, cols, x, y, nTokens);
            float max = 0;
            for (float v : want) {
                max = Math.max(max, Math.abs(v));
            }
            float[] batched = TestBlocks.array(y, rows * nTokens);
            assertArrayEquals(want, batched, 2e-5f * max + 1e-7f, type + " " + nk.name() + " path, tokens " + nTokens);
            // a token's outputs do not depend on the batch it came in
            FloatBuffer one = Buffers.floats(rows);
            nk.matmul(type, w, rows, cols, Buffers.slice(x, (nTokens - 1) * cols, cols), one, 1);
            float[] last = new float[rows];
            System.arraycopy(batched, (nTokens - 1) * rows, last, 0, rows);
            assertArrayEquals(last, TestBlocks.array(one, rows), 0.0f, type + ": last token alone vs in a batch of " + nTokens);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = "Q8_1", mode = EnumSource.Mode.EXCLUDE)
    void dequantizeMatchesReferenceExactly(GgmlType type) {
        Random rnd = new Random(type.id);
        int n = type.blockSize == 1 ? 41 : type.blockSize * 3;
        ByteBuffer blocks = TestBlocks.randomBlocks(type, (int) (type.bytesFor(n) / type.typeSize), rnd);
        ByteBuffer padded = TestBlocks.le(blocks.capacity() + 3);
        padded.put(3, blocks, 0, blocks.capacity());
        ByteBuffer src = Buffers.slice(padded, 3, blocks.capacity());
        FloatBuffer want = Buffers.floats(n);
        FloatBuffer got = Buffers.floats(n);
        ReferenceKernels.INSTANCE.dequantize(type, src, want, n);
        nk.dequantize(type, src, got, n);
        assertArrayEquals(TestBlocks.array(want, n), TestBlocks.array(got, n), 0.0f, type.name());
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q8_1", "Q8_K", "Q4_0", "Q4_1", "Q5_0", "Q5_1"})
    void quantizeMatchesReferenceBitForBit(GgmlType type) {
        Random rnd = new Random(type.id + 100);
        int n = type.blockSize == 1 ? 45 : type.blockSize * (type.blockSize == 32 ? 512 : 16); // enough blocks for rare rounding cases
        float[] v = TestBlocks.gaussian(rnd, n, 3.0);
        v[5] = 0.0f;
        FloatBuffer x = TestBlocks.floats(v);
        ByteBuffer want = TestBlocks.le((int) type.bytesFor(n));
        ByteBuffer got = TestBlocks.le((int) type.bytesFor(n));
        ReferenceKernels.INSTANCE.quantize(type, x, want, n);
        nk.quantize(type, x, got, n);
        assertTrue(want.equals(got), type + ": native bytes differ from the reference");
    }
}
