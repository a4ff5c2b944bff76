package io.k3mcp.kernels;

import java.nio.ByteBuffer;

/** K-quant weight quantisers (quantize_row_q*_K_ref), for writing models. */
final class QuantizeK {
    private QuantizeK() {
    }

    static void block(GgmlType type, float[] x, int xo, ByteBuffer y, int o) {
        throw new UnsupportedOperationException("quantize to " + type + " is not implemented");
    }
}
