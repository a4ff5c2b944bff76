package io.k3mcp.engine.testing;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufTensor;
import io.k3mcp.engine.gguf.GgufValue;
import io.k3mcp.engine.gguf.GgufValueType;
import io.k3mcp.engine.gguf.GgufWriter;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Test helper: a copy of a GGUF file with metadata keys set or removed, tensors left out, renamed or stored as zeros of another type. */
public final class GgufCopy {
    private final Path src;
    private final Map<String, GgufValue> put = new LinkedHashMap<>();
    private final Set<String> removed = new HashSet<>();
    private final Map<String, String> renamed = new LinkedHashMap<>();
    private final Map<String, GgmlType> retyped = new LinkedHashMap<>();

    private GgufCopy(Path src) {
        this.src = src;
    }

    public static GgufCopy of(Path src) {
        return new GgufCopy(src);
    }

    public GgufCopy put(String key, GgufValueType type, Object value) {
        put.put(key, new GgufValue(type, value));
        return this;
    }

    /** Leaves out a metadata key or a tensor of that name. */
    public GgufCopy remove(String name) {
        removed.add(name);
        return this;
    }

    /** Copies tensor {@code from} under the name {@code to}. */
    public GgufCopy rename(String from, String to) {
        renamed.put(from, to);
        return this;
    }

    /** Stores tensor {@code name} as zeros of {@code type} (same shape). */
    public GgufCopy retype(String name, GgmlType type) {
        retyped.put(name, type);
        return this;
    }

    public Path write(Path dst) throws IOException {
        try (GgufFile f = GgufFile.open(src)) {
            GgufWriter w = new GgufWriter();
            f.metadata().asMap().forEach((k, v) -> {
                if (!removed.contains(k) && !put.containsKey(k)) {
                    w.put(k, v.type(), v.value());
                }
            });
            put.forEach((k, v) -> w.put(k, v.type(), v.value()));
            if (f.metadata().has("general.alignment")) {
                w.alignment((int) f.metadata().getLong("general.alignment"));
            }
            for (GgufTensor t : f.tensors()) {
                GgmlType type = retyped.get(t.name());
                if (type != null) {
                    w.addTensor(t.name(), type, t.ne(), Buffers.bytes(type.bytesFor(t.elementCount())));
                } else if (!removed.contains(t.name())) {
                    w.addTensor(renamed.getOrDefault(t.name(), t.name()), t.type(), t.ne(), f.data(t));
                }
            }
            w.write(dst);
        }
        return dst;
    }
}
