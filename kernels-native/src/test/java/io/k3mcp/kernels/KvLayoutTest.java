package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The head-major cache layout ({@link AttentionSequence#headRows()}, written by {@link Kernels#storeKv}): the
 * native store writes the reference's bytes, and attention over a head-major cache equals attention over the same
 * rows position-major, bit for bit, on the native exact and tiled paths and on the reference. The rows past a
 * head's keys hold NaN, so a kernel that read them would show it.
 */
class KvLayoutTest {
    private static final int HEADS = 8;
    private static final int KV_HEADS = 2;
    private static NativeKernels nk;

    @BeforeAll
    static void open() {
        nk = TestBlocks.openNative(3);
    }

    @AfterAll
    static void close() {
        nk.close();
    }

    private static ByteBuffer nanFilled(long bytes) {
        ByteBuffer b = Buffers.bytes(bytes);
        for (int i = 0; i < bytes; i++) {
            b.put(i, (byte) 0xFF);
        }
        return b;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.capacity()];
        b.get(0, out);
        return out;
    }

    @ParameterizedTest
    @CsvSource({"F32", "F16", "Q8_0", "Q4_0"})
    void nativeStoreWritesTheReferenceBytes(GgmlType type) {
        Random rnd = new Random(type.id);
        int tokens = 5;
        int headDim = 64;
        int rows = 9;
        long headBytes = type.bytesFor(headDim);
        FloatBuffer src = TestBlocks.floats(TestBlocks.gaussian(rnd, tokens * KV_HEADS * headDim, 1.0));
        ByteBuffer want = nanFilled(KV_HEADS * rows * headBytes);
        ByteBuffer got = nanFilled(KV_HEADS * rows * headBytes);
        ByteBuffer positionMajor = Buffers.bytes(type.bytesFor((long) tokens * KV_HEADS * headDim));
        ReferenceKernels.INSTANCE.storeKv(type, src, tokens, KV_HEADS, headDim, Buffers.slice(want, headBytes, want.capacity() - headBytes),
            rows * headBytes);
        nk.storeKv(type, src, tokens, KV_HEADS, headDim, Buffers.slice(got, headBytes, got.capacity() - headBytes), rows * headBytes);
        assertArrayEquals(bytes(want), bytes(got), type + ": native store equals the reference");
        ReferenceKernels.INSTANCE.quantize(type, src, positionMajor, tokens * KV_HEADS * headDim);
        for (int h = 0; h < KV_HEADS; h++) {
            for (int t = 0; t < tokens; t++) {   // written from row 1 on: head h's row 1 + t holds token t's head h
                byte[] row = new byte[(int) headBytes];
                byte[] expected = new byte[(int) headBytes];
                got.get((int) ((h * rows + 1 + t) * headBytes), row);
                positionMajor.get((int) ((t * KV_HEADS + h) * headBytes), expected);
                assertArrayEquals(expected, row, type + ": head " + h + " token " + t);
            }
        }
        assertEquals((byte) 0xFF, got.get((int) (rows * headBytes - 1)), "rows past the store keep their bytes");
    }

    /** Decode steps and a prompt chunk (one long enough for the tiled kernel), in both layouts, one call each. */
    @ParameterizedTest
    @CsvSource({"F16, native", "F32, native", "Q8_0, native", "Q4_0, native", "F16, reference", "Q8_0, reference"})
    void headMajorEqualsPositionMajor(GgmlType type, String which) {
        Kernels k = which.equals("native") ? nk : ReferenceKernels.INSTANCE;
        Random rnd = new Random(type.id * 31L);
        int headDim = 64;
        int[] tokens = {1, 6, 1};
        int[] keys = {40, 70, which.equals("native") ? 700 : 90};
        int[] extra = {0, 7, 33};
        long headBytes = type.bytesFor(headDim);
        List<AttentionSequence> byPosition = new ArrayList<>();
        List<AttentionSequence> byHead = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            int n = keys[i] * KV_HEADS * headDim;
            int rows = keys[i] + extra[i];
            FloatBuffer q = TestBlocks.floats(TestBlocks.gaussian(rnd, tokens[i] * HEADS * headDim, 1.0));
            ByteBuffer[] pos = new ByteBuffer[2];
            ByteBuffer[] head = new ByteBuffer[2];
            for (int kv = 0; kv < 2; kv++) {
                FloatBuffer f = TestBlocks.floats(TestBlocks.gaussian(rnd, n, 1.0));
                pos[kv] = Buffers.bytes(type.bytesFor(n));
                k.quantize(type, f, pos[kv], n);
                head[kv] = nanFilled(KV_HEADS * rows * headBytes);
                k.storeKv(type, f, keys[i], KV_HEADS, headDim, head[kv], rows * headBytes);
            }
            int out = tokens[i] * HEADS * headDim;
            byPosition.add(new AttentionSequence(q, pos[0], pos[1], Buffers.floats(out), tokens[i], keys[i] - tokens[i], keys[i]));
            byHead.add(new AttentionSequence(q, head[0], head[1], Buffers.floats(out), tokens[i], keys[i] - tokens[i], keys[i], rows));
        }
        k.attention(byPosition, type, HEADS, KV_HEADS, headDim, 0.125f, true, 0);
        k.attention(byHead, type, HEADS, KV_HEADS, headDim, 0.125f, true, 0);
        for (int i = 0; i < tokens.length; i++) {
            int n = tokens[i] * HEADS * headDim;
            float[] got = TestBlocks.array(byHead.get(i).out(), n);
            for (float x : got) {
                assertTrue(Float.isFinite(x), type + " " + which + ": a head-major output read a row past its keys");
            }
            assertArrayEquals(TestBlocks.array(byPosition.get(i).out(), n), got, 0.0f,
                type + " " + which + ": sequence " + i + " (" + tokens[i] + " tokens, " + keys[i] + " keys)");
        }
    }

    @Test
    void refusesBadLayouts() {
        FloatBuffer src = Buffers.floats(2 * 64);
        ByteBuffer dst = Buffers.bytes(4096);
        IllegalArgumentException shortStride = assertThrows(IllegalArgumentException.class,
            () -> nk.storeKv(GgmlType.F16, src, 2, 1, 64, dst, 255));
        assertTrue(shortStride.getMessage().contains("head stride of 255 bytes"), shortStride.getMessage());
        IllegalArgumentException partBlock = assertThrows(IllegalArgumentException.class,
            () -> nk.storeKv(GgmlType.Q8_0, src, 1, 1, 48, dst, 4096));
        assertTrue(partBlock.getMessage().contains("block of 32"), partBlock.getMessage());
        IllegalArgumentException smallDst = assertThrows(IllegalArgumentException.class,
            () -> nk.storeKv(GgmlType.F32, src, 2, 2, 32, Buffers.bytes(300), 256));
        assertTrue(smallDst.getMessage().contains("storeKv dst"), smallDst.getMessage());
        IllegalArgumentException fewRows = assertThrows(IllegalArgumentException.class,
            () -> new AttentionSequence(src, dst, dst, src, 1, 9, 10, 9));
        assertTrue(fewRows.getMessage().contains("9 rows a head cannot hold 10 keys"), fewRows.getMessage());
    }
}
