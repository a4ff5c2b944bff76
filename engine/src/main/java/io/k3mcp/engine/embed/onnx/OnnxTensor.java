package io.k3mcp.engine.embed.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An ONNX TensorProto: name, element type, dims (row-major, slowest first) and its values, held either
 * as {@code raw_data} bytes (little-endian) or as the typed repeated fields.
 */
public record OnnxTensor(String name, int dataType, long[] dims, ByteBuffer raw, float[] floatData, long[] int64Data) {
    public static final int FLOAT = 1;
    public static final int INT32 = 6;
    public static final int INT64 = 7;

    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The values as floats; only FLOAT tensors. */
    public float[] floats() {
        if (dataType != FLOAT) {
            throw new OnnxFormatException("tensor '" + name + "' has data type " + dataType + ", expected FLOAT (1)");
        }
        int n = checkedCount();
        if (raw != null) {
            checkRawBytes(n, Float.BYTES);
            float[] out = new float[n];
            raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        if (floatData.length != n) {
            throw new OnnxFormatException("tensor '" + name + "' holds " + floatData.length + " float_data values for dims "
                    + Arrays.toString(dims));
        }
        return floatData.clone();
    }

    /** The values as longs; INT64 or INT32 tensors. */
    public long[] longs() {
        int n = checkedCount();
        if (dataType != INT64 && dataType != INT32) {
            throw new OnnxFormatException("tensor '" + name + "' has data type " + dataType + ", expected INT64 (7) or INT32 (6)");
        }
        if (raw != null) {
            int width = dataType == INT64 ? Long.BYTES : Integer.BYTES;
            checkRawBytes(n, width);
            ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = width == Long.BYTES ? b.getLong(i * 8) : b.getInt(i * 4);
            }
            return out;
        }
        if (int64Data.length != n) {
            throw new OnnxFormatException("tensor '" + name + "' holds " + int64Data.length + " integer values for dims "
                    + Arrays.toString(dims));
        }
        return int64Data.clone();
    }

    private int checkedCount() {
        long n = elementCount();
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new OnnxFormatException("tensor '" + name + "' has " + n + " elements, too many");
        }
        return (int) n;
    }

    private void checkRawBytes(int n, int width) {
        if (raw.remaining() != (long) n * width) {
            throw new OnnxFormatException("tensor '" + name + "' has " + raw.remaining() + " bytes of raw_data but dims "
                    + Arrays.toString(dims) + " need " + (long) n * width);
        }
    }
}
