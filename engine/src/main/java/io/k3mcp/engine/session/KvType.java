package io.k3mcp.engine.session;

import io.k3mcp.engine.model.LayerShape;
import io.k3mcp.engine.model.ModelConfig;
import io.k3mcp.kernels.GgmlType;

import java.util.Locale;
import java.util.Map;

/**
 * The KV cache types a session may use, by llama.cpp's names ({@code -ctk/-ctv}): f16 (the default), q8_0,
 * q4_0 and f32. Rows are quantised as they are written; attention reads quantised rows as llama.cpp's flash
 * attention does (see {@code Kernels.attention}). A quantised type needs every attention layer's head size
 * to be whole blocks.
 */
public final class KvType {
    private static final Map<String, GgmlType> NAMES = Map.of("f16", GgmlType.F16, "q8_0", GgmlType.Q8_0,
            "q4_0", GgmlType.Q4_0, "f32", GgmlType.F32);
    /** The names in the order usage errors list them. */
    public static final String SUPPORTED = "f16, q8_0, q4_0, f32";

    private KvType() {
    }

    /** The type llama.cpp calls {@code name} (case-insensitive). */
    public static GgmlType parse(String name) {
        GgmlType t = name == null ? null : NAMES.get(name.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new KvTypeException("unknown KV cache type '" + name + "'; supported: " + SUPPORTED);
        }
        return t;
    }

    /** llama.cpp's name of a cache type (llama-bench's type_k/type_v). */
    public static String name(GgmlType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /** Refuses a type the cache cannot hold for this model: a quantised type whose block splits a head. */
    public static void check(ModelConfig config, GgmlType type) {
        if (!NAMES.containsValue(type)) {
            throw new KvTypeException("KV cache type " + name(type) + " is not supported; supported: " + SUPPORTED);
        }
        for (int il = 0; il < config.nLayer(); il++) {
            LayerShape s = config.layer(il);
            if (s.headDim() % type.blockSize != 0) {
                throw new KvTypeException("KV cache type " + name(type) + " stores blocks of " + type.blockSize
                        + " values, but layer " + il + "'s head size " + s.headDim() + " is not a multiple of it; use f16 or q8_0/q4_0 "
                        + "only on models whose head size is a multiple of " + type.blockSize);
            }
        }
    }
}
