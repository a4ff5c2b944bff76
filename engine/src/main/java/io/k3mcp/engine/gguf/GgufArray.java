package io.k3mcp.engine.gguf;

import java.lang.reflect.Array;

/**
 * A metadata array. {@code values} holds a primitive array matching the element type: long[] for
 * every integer type, float[] (f32), double[] (f64), boolean[], String[], or GgufArray[] for nested arrays.
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public int length() {
        return Array.getLength(values);
    }
}
