package io.k3mcp.engine.embed;

import io.k3mcp.engine.gguf.GgufException;
import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufTensor;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * A weight matrix of {@code rows x cols} (GGUF {@code ne = [cols, rows]}) mapped from the file, with its
 * optional bias. {@link #apply} computes {@code y[t] = W x[t] + b} for a batch of tokens.
 */
record Matrix(String name, GgmlType type, ByteBuffer data, int rows, int cols, FloatBuffer bias) {

    /** Loads {@code <prefix>.weight} of shape [cols, rows] and, when present, {@code <prefix>.bias}. */
    static Matrix load(GgufFile file, Kernels kernels, String prefix, int cols, int rows) {
        GgufTensor w = file.require(prefix + ".weight");
        checkShape(file, w, cols, rows);
        GgufTensor b = file.tensor(prefix + ".bias");
        FloatBuffer bias = b == null ? null : vector(file, kernels, b.name(), rows);
        return new Matrix(w.name(), w.type(), file.data(w), rows, cols, bias);
    }

    /** A 1-D tensor of n elements of any type, dequantised into a direct float buffer. */
    static FloatBuffer vector(GgufFile file, Kernels kernels, String name, int n) {
        GgufTensor t = file.require(name);
        checkShape(file, t, n, 1);
        FloatBuffer out = Buffers.floats(n);
        kernels.dequantize(t.type(), file.data(t), out, n);
        return out;
    }

    /** Throws naming the tensor when its shape is not [cols, rows] (rows 1 also accepts a 1-D tensor). */
    static void checkShape(GgufFile file, GgufTensor t, long cols, long rows) {
        long[] ne = t.ne();
        boolean ok = ne.length >= 1 && ne[0] == cols && (ne.length == 1 ? rows == 1 : ne[1] == rows);
        for (int i = 2; ok && i < ne.length; i++) {
            ok = ne[i] == 1;
        }
        if (!ok) {
            throw new GgufException(file.path().getFileName() + ": tensor '" + t.name() + "' has shape " + t.shape()
                    + " but the model's hyper-parameters need [" + cols + (rows == 1 ? "" : ", " + rows) + "]");
        }
    }

    /** Row {@code r} dequantised into {@code out} (embedding-table lookup). */
    void row(Kernels kernels, int r, FloatBuffer out) {
        long rowBytes = type.bytesFor(cols);
        kernels.dequantize(type, Buffers.slice(data, r * rowBytes, rowBytes), out, cols);
    }

    /** y = W x + b for n tokens; x is n x cols, y is n x rows. */
    void apply(Kernels kernels, FloatBuffer x, FloatBuffer y, int n) {
        kernels.matmul(type, data, rows, cols, x, y, n);
        if (bias != null) {
            kernels.addBias(y, bias, rows, n);
        }
    }
}
