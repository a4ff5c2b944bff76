package io.k3mcp.engine.gguf;

import io.k3mcp.kernels.GgmlType;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF v3 files: used by tests (corrupt and hand-made models) and by the synthetic benchmark
 * models. Tensor bytes are streamed from a {@link TensorSource}, so multi-GiB files never sit in memory.
 * The file is written to a temporary sibling and moved into place, so a crash leaves no half file.
 */
public final class GgufWriter {

    /** Produces a tensor's bytes, in order, exactly {@code byteSize} of them. */
    @FunctionalInterface
    public interface TensorSource {
        void write(OutputStream out) throws IOException;
    }

    private record Tensor(String name, GgmlType type, long[] ne, long size, TensorSource source) {
    }

    private final Map<String, GgufValue> kv = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private int alignment = 32;

    public GgufWriter alignment(int alignment) {
        this.alignment = alignment;
        kv.put("general.alignment", new GgufValue(GgufValueType.UINT32, (long) alignment));
        return this;
    }

    public GgufWriter put(String key, GgufValueType type, Object value) {
        kv.put(key, new GgufValue(type, value));
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    public GgufWriter putU32(String key, long value) {
        return put(key, GgufValueType.UINT32, value);
    }

    public GgufWriter putI32(String key, long value) {
        return put(key, GgufValueType.INT32, value);
    }

    public GgufWriter putF32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    /** An array: values is long[] (any integer element type), float[], double[], boolean[] or String[]. */
    public GgufWriter putArray(String key, GgufValueType elementType, Object values) {
        return put(key, GgufValueType.ARRAY, new GgufArray(elementType, values));
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] ne, TensorSource source) {
        long n = 1;
        for (long d : ne) {
            n = Math.multiplyExact(n, d);
        }
        tensors.add(new Tensor(name, type, ne.clone(), type.bytesFor(n), source));
        return this;
    }

    /** A tensor whose bytes are already in memory (little-endian, exactly the type's size). */
    public GgufWriter addTensor(String name, GgmlType type, long[] ne, ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate();
        return addTensor(name, type, ne, out -> {
            byte[] chunk = new byte[1 << 16];
            while (b.hasRemaining()) {
                int n = Math.min(chunk.length, b.remaining());
                b.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        });
    }

    public void write(Path path) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (OutputStream fos = Files.newOutputStream(tmp);
             CountingStream counting = new CountingStream(new BufferedOutputStream(fos, 1 << 20));
             DataOutputStream out = new DataOutputStream(counting)) {
            LittleEndian le = new LittleEndian(out);
            le.u32(GgufParser.MAGIC);
            le.u32(3);
            le.u64(tensors.size());
            le.u64(kv.size());
            for (Map.Entry<String, GgufValue> e : kv.entrySet()) {
                le.string(e.getKey());
                le.u32(e.getValue().type().id);
                le.value(e.getValue().type(), e.getValue().value());
            }
            long offset = 0;
            for (Tensor t : tensors) {
                le.string(t.name);
                le.u32(t.ne.length);
                for (long d : t.ne) {
                    le.u64(d);
                }
                le.u32(t.type.id);
                le.u64(offset);
                offset += pad(t.size);
            }
            out.flush();
            le.zeros(pad(counting.count) - counting.count);
            for (Tensor t : tensors) {
                long before = counting.count;
                t.source.write(out);
                out.flush();
                long written = counting.count - before;
                if (written != t.size) {
                    throw new IOException("tensor '" + t.name + "' source wrote " + written + " bytes, expected " + t.size);
                }
                le.zeros(pad(t.size) - t.size);
            }
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private long pad(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** Little-endian encoding of GGUF primitives onto a stream. */
    private record LittleEndian(DataOutputStream out) {
        void u32(int v) throws IOException {
            out.writeInt(Integer.reverseBytes(v));
        }

        void u64(long v) throws IOException {
            out.writeLong(Long.reverseBytes(v));
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            out.write(b);
        }

        void zeros(long n) throws IOException {
            for (long i = 0; i < n; i++) {
                out.write(0);
            }
        }

        void value(GgufValueType type, Object v) throws IOException {
            switch (type) {
                case UINT8, INT8 -> out.write((int) (long) (Long) v);
                case UINT16, INT16 -> out.writeShort(Short.reverseBytes((short) (long) (Long) v));
                case UINT32, INT32 -> u32((int) (long) (Long) v);
                case UINT64, INT64 -> u64((Long) v);
                case FLOAT32 -> u32(Float.floatToRawIntBits((Float) v));
                case FLOAT64 -> u64(Double.doubleToRawLongBits((Double) v));
                case BOOL -> out.write((Boolean) v ? 1 : 0);
                case STRING -> string((String) v);
                case ARRAY -> array((GgufArray) v);
            }
        }

        void array(GgufArray a) throws IOException {
            u32(a.elementType().id);
            int n = a.length();
            u64(n);
            for (int i = 0; i < n; i++) {
                Object e = switch (a.elementType()) {
                    case FLOAT32 -> ((float[]) a.values())[i];
                    case FLOAT64 -> ((double[]) a.values())[i];
                    case BOOL -> ((boolean[]) a.values())[i];
                    case STRING -> ((String[]) a.values())[i];
                    case ARRAY -> ((GgufArray[]) a.values())[i];
                    default -> ((long[]) a.values())[i];
                };
                value(a.elementType(), e);
            }
        }
    }
}
