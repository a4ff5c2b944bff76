package io.k3mcp.kernels.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** KernelBench's --shapes option: ROWSxCOLS lists, and a clear error for each malformed entry. */
class KernelBenchShapesTest {
    @Test
    void parsesAList() {
        int[][] shapes = KernelBench.parseShapes("151936x2048, 8x256");
        assertArrayEquals(new int[] {151936, 2048}, shapes[0]);
        assertArrayEquals(new int[] {8, 256}, shapes[1]);
    }

    @Test
    void rejectsMalformedShapes() {
        for (String bad : new String[] {"2048", "2048x", "0x2048", "2048x100", "axb", "1x2x3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelBench.parseShapes(bad), bad);
            assertTrue(e.getMessage().contains("--shapes"), e.getMessage());
        }
    }
}
