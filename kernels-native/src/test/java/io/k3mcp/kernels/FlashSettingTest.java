package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * -fa is a pool's own setting: a benchmark that turns the tiled kernel on for its pool leaves another pool (the
 * server's) on its path, and null hands the pool back to the process's setting.
 */
class FlashSettingTest {
    private static final int TOKENS = 3, KEYS = 9, HEADS = 4, KV_HEADS = 2, DIM = 37;

    private static float[] attention(NativeKernels k, FloatBuffer q, ByteBuffer kv) {
        FloatBuffer out = Buffers.floats(TOKENS * HEADS * DIM);
        k.attention(q, kv, kv, GgmlType.F32, out, TOKENS, KEYS - TOKENS, KEYS, HEADS, KV_HEADS, DIM, 0.3f, true, 0);
        float[] o = new float[out.capacity()];
        out.get(0, o);
        return o;
    }

    @Test
    void onePoolsSettingLeavesTheOthersPath() {
        Random rnd = new Random(5);
        FloatBuffer q = Buffers.floats(TOKENS * HEADS * DIM);
        for (int i = 0; i < q.capacity(); i++) {
            q.put(i, rnd.nextFloat() * 2 - 1);
        }
        ByteBuffer kv = Buffers.bytes(4L * KEYS * KV_HEADS * DIM);
        for (int i = 0; i < KEYS * KV_HEADS * DIM; i++) {
            kv.putFloat(4 * i, rnd.nextFloat() * 2 - 1);
        }
        try (NativeKernels bench = NativeKernels.open(1, null, null); NativeKernels server = NativeKernels.open(1, null, null)) {
            float[] before = attention(server, q, kv); // 9 keys: the exact path under AUTO
            bench.flashAttention(FlashAttention.ON);
            float[] tiled = attention(bench, q, kv);
            assertFalse(Arrays.equals(before, tiled), "the tiled kernel differs from the exact path in some bit here");
            assertArrayEquals(before, attention(server, q, kv), "the other pool keeps its path");
            bench.flashAttention(null);
            assertArrayEquals(before, attention(bench, q, kv), "null hands the pool back to the process's setting");
            server.flashAttention(FlashAttention.ON);
            assertArrayEquals(tiled, attention(server, q, kv));
        }
    }
}
