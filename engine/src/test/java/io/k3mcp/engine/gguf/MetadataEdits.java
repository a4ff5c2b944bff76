package io.k3mcp.engine.gguf;

import java.util.HashMap;
import java.util.Map;

/** A real file's metadata with keys replaced or removed: for testing how a reader treats one bad key. */
public final class MetadataEdits {
    private MetadataEdits() {
    }

    /** {@code base} with each entry of {@code edits} put, a null value removing the key. */
    public static GgufMetadata edited(GgufMetadata base, Map<String, GgufValue> edits) {
        Map<String, GgufValue> values = new HashMap<>(base.asMap());
        edits.forEach((k, v) -> {
            if (v == null) {
                values.remove(k);
            } else {
                values.put(k, v);
            }
        });
        return new GgufMetadata(java.nio.file.Path.of("edited.gguf"), values);
    }

    public static GgufValue u32(long v) {
        return new GgufValue(GgufValueType.UINT32, v);
    }

    public static GgufValue u32s(long... v) {
        return new GgufValue(GgufValueType.ARRAY, new GgufArray(GgufValueType.UINT32, v));
    }

    public static GgufValue strings(String... v) {
        return new GgufValue(GgufValueType.ARRAY, new GgufArray(GgufValueType.STRING, v));
    }

    public static GgufValue bools(boolean... v) {
        return new GgufValue(GgufValueType.ARRAY, new GgufArray(GgufValueType.BOOL, v));
    }
}
