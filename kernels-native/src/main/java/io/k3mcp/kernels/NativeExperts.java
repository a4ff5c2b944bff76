package io.k3mcp.kernels;

import static io.k3mcp.kernels.NativeArgs.addr;
import static io.k3mcp.kernels.NativeArgs.check;
import static io.k3mcp.kernels.NativeArgs.outAddr;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The argument checks and native calls of {@link NativeKernels}' expert products (k3k_experts.c): every
 * buffer is checked against the size the call reads or writes before the pool touches it.
 */
final class NativeExperts {
    private NativeExperts() {
    }

    /** One expert tensor: {@code packed} (this layout, or null) over the file-layout slabs {@code file}. */
    static void single(long pool, GgmlType type, PackedWeights packed, ByteBuffer file, int nExpert, int rows, int cols,
                       FloatBuffer x, boolean xPerSlot, ExpertRoutes routes, FloatBuffer y) {
        checkShape("matmulExperts", nExpert, rows, cols, routes);
        checkPacked("matmulExperts", type, packed, nExpert, rows, cols);
        long xRows = xPerSlot ? routes.pairs() : routes.nTokens();
        int rc = NativeLib.k3k_matmul_experts(pool, type.id, packedAddr(packed, nExpert, rows), weights(file, type, nExpert, rows, cols,
                packed != null ? "file expert weights" : "matmulExperts weights"), nExpert, rows, cols,
            addr(x, (long) cols * xRows, "matmulExperts x"), xPerSlot ? 1 : 0, routes.experts(), routes.nTokens(),
            routes.nUsed(), outAddr(y, (long) rows * routes.pairs(), "matmulExperts y"));
        check(rc == 0, () -> "matmulExperts: type " + type + " with " + cols + " columns" + (packed != null ? " (packed)" : "")
            + " is not supported natively");
    }

    /** Two tensors of one type and shape on one x per token, both packed (this layout) or both not. */
    static void pair(long pool, GgmlType type, PackedWeights packedA, ByteBuffer fileA, PackedWeights packedB,
                     ByteBuffer fileB, int nExpert, int rows, int cols, FloatBuffer x, ExpertRoutes routes, FloatBuffer yA,
                     FloatBuffer yB) {
        checkShape("matmulExpertsPair", nExpert, rows, cols, routes);
        checkPacked("matmulExpertsPair gate", type, packedA, nExpert, rows, cols);
        checkPacked("matmulExpertsPair up", type, packedB, nExpert, rows, cols);
        long out = (long) rows * routes.pairs();
        int rc = NativeLib.k3k_matmul_experts_pair(pool, type.id, packedAddr(packedA, nExpert, rows),
            weights(fileA, type, nExpert, rows, cols, "matmulExpertsPair gate weights"), packedAddr(packedB, nExpert, rows),
            weights(fileB, type, nExpert, rows, cols, "matmulExpertsPair up weights"), nExpert, rows, cols,
            addr(x, (long) cols * routes.nTokens(), "matmulExpertsPair x"), routes.experts(), routes.nTokens(),
            routes.nUsed(), outAddr(yA, out, "matmulExpertsPair gate y"), outAddr(yB, out, "matmulExpertsPair up y"));
        check(rc == 0, () -> "matmulExpertsPair: type " + type + " with " + cols + " columns" + (packedA != null ? " (packed)" : "")
            + " is not supported natively");
    }

    private static void checkShape(String op, int nExpert, int rows, int cols, ExpertRoutes routes) {
        check(nExpert > 0 && rows > 0 && cols > 0, () -> op + ": " + nExpert + " experts of " + rows + " x " + cols);
        routes.checkIds(nExpert);
    }

    /** Packed slabs must be the tensor the type and shape name: nExpert slabs of rows x cols. */
    private static void checkPacked(String what, GgmlType type, PackedWeights p, int nExpert, int rows, int cols) {
        check(p == null || (p.rows() == (long) nExpert * rows && p.cols() == cols), () -> what + ": packed weights of "
            + (p == null ? 0 : p.rows()) + " x " + (p == null ? 0 : p.cols()) + " are not " + nExpert + " experts of "
            + rows + " x " + cols);
        check(p == null || p.type() == type, () -> what + ": packed weights of type " + p.type() + " are not " + type);
    }

    private static long weights(ByteBuffer w, GgmlType type, int nExpert, int rows, int cols, String what) {
        return addr(w, type.bytesFor(cols) * rows * nExpert, what);
    }

    /** nExpert slabs of rows x cols, each whole packed row groups, checked against the layout's size (not the buffer's). */
    private static long packedAddr(PackedWeights p, int nExpert, int rows) {
        return p == null ? 0L : Packing.address(p, nExpert, rows, "packed expert weights");
    }
}
