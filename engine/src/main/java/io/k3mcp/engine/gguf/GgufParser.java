package io.k3mcp.engine.gguf;

import io.k3mcp.kernels.GgmlType;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a GGUF header in spec order and validates every count, offset, size, type and shape against the file. */
final class GgufParser {
    static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    private static final int MAX_DIMS = 4;
    private static final int MAX_ARRAY_DEPTH = 4;

    private GgufParser() {
    }

    static GgufFile parse(Path path, FileChannel ch) throws IOException {
        Cursor c = new Cursor(ch, path);
        // uint32_t magic
        int magic = c.u32("magic");
        if (magic != MAGIC) {
            throw GgufException.at(path, 0, String.format("not a GGUF file: magic is 0x%08x, expected 0x%08x (\"GGUF\")", magic, MAGIC));
        }
        // uint32_t version
        int version = c.u32("version");
        if (version == 0x03000000 || version == 0x02000000) {
            throw GgufException.at(path, 4, "big-endian GGUF files are not supported");
        }
        if (version != 2 && version != 3) {
            throw GgufException.at(path, 4, "unsupported GGUF version " + Integer.toUnsignedString(version) + " (supported: 2, 3)");
        }
        // uint64_t tensor_count; uint64_t metadata_kv_count
        long tensorCount = c.count("tensor_count", 8 + 4 + 4 + 8);
        long kvCount = c.count("metadata_kv_count", 8 + 4 + 1);

        Map<String, GgufValue> kv = new LinkedHashMap<>();
        long alignAt = 0;   // where general.alignment's entry starts: its errors point there, not at the file's start
        for (long i = 0; i < kvCount; i++) {
            long at = c.offset();
            String key = c.string("metadata key #" + i);
            int typeId = c.u32("type of '" + key + "'");
            GgufValueType type = GgufValueType.byId(typeId);
            if (type == null) {
                throw GgufException.at(path, at, "metadata '" + key + "' has unknown value type " + Integer.toUnsignedString(typeId));
            }
            if (kv.containsKey(key)) {
                throw GgufException.at(path, at, "duplicate metadata key '" + key + "'");
            }
            if (key.equals("general.alignment")) {
                alignAt = at;
            }
            kv.put(key, new GgufValue(type, readValue(c, type, key, 0)));
        }

        long alignment = 32;
        GgufValue align = kv.get("general.alignment");
        if (align != null) {
            if (!align.type().isInteger()) {
                throw GgufException.at(path, alignAt, "general.alignment must be an integer, found " + align.type());
            }
            alignment = (Long) align.value();
            if (alignment <= 0 || Long.bitCount(alignment) != 1 || alignment > (1 << 20)) {
                String shown = align.type() == GgufValueType.UINT64 ? Long.toUnsignedString(alignment) : Long.toString(alignment);
                throw GgufException.at(path, alignAt, "general.alignment " + shown + " is not a power of two in 1..1048576");
            }
        }

        List<long[]> raw = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<int[]> types = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            long at = c.offset();
            String name = c.string("name of tensor #" + i);
            if (!seen.add(name)) {
                throw GgufException.at(path, at, "duplicate tensor name '" + name + "'");
            }
            int nDims = c.u32("n_dimensions of tensor '" + name + "'");
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw GgufException.at(path, at, "tensor '" + name + "' has " + Integer.toUnsignedString(nDims) + " dimensions (1.." + MAX_DIMS + " allowed)");
            }
            long[] ne = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                ne[d] = c.u64("dimension " + d + " of tensor '" + name + "'");
                if (ne[d] <= 0 || ne[d] > (1L << 40)) {
                    throw GgufException.at(path, at, "tensor '" + name + "' dimension " + d + " is " + Long.toUnsignedString(ne[d]));
                }
            }
            int typeOffset = (int) Math.min(Integer.MAX_VALUE, c.offset());
            int typeId = c.u32("type of tensor '" + name + "'");
            long offset = c.u64("offset of tensor '" + name + "'");
            names.add(name);
            shapes.add(ne);
            types.add(new int[] {typeId, typeOffset});
            raw.add(new long[] {offset, at});
        }

        long headerEnd = c.offset();
        long dataOffset = (headerEnd + alignment - 1) / alignment * alignment;
        long fileSize = c.size();
        if (tensorCount > 0 && dataOffset > fileSize) {
            throw GgufException.at(path, headerEnd, "file truncated: tensor data section would start at " + dataOffset + " but the file has " + fileSize + " bytes");
        }

        List<GgufTensor> tensors = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            long[] ne = shapes.get(i);
            long at = raw.get(i)[1];
            GgmlType type = GgufFile.typeOf(path, types.get(i)[1], name, types.get(i)[0]);
            long n = 1;
            for (long d : ne) {
                n = Math.multiplyExact(n, d);
            }
            if (ne[0] % type.blockSize != 0) {
                throw GgufException.at(path, at, "tensor '" + name + "' of type " + type + " has ne[0] = " + ne[0]
                        + ", not a multiple of the block size " + type.blockSize);
            }
            long size = type.bytesFor(n);
            long offset = raw.get(i)[0];
            if (offset < 0 || offset % alignment != 0) {
                throw GgufException.at(path, at, "tensor '" + name + "' offset " + Long.toUnsignedString(offset) + " is not a multiple of the alignment " + alignment);
            }
            long start = dataOffset + offset;
            if (offset > fileSize || start > fileSize || size > fileSize - start) {
                throw GgufException.at(path, at, "tensor '" + name + "' (" + type + " " + java.util.Arrays.toString(ne) + ", "
                        + size + " bytes at data offset " + offset + ") extends past the end of the file (" + fileSize + " bytes): truncated?");
            }
            tensors.add(new GgufTensor(name, type, ne, offset, start, size));
        }
        checkOverlaps(path, tensors);
        return new GgufFile(path, ch, version, alignment, dataOffset, kv, tensors);
    }

    private static void checkOverlaps(Path path, List<GgufTensor> tensors) {
        List<GgufTensor> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingLong(GgufTensor::offset));
        for (int i = 1; i < sorted.size(); i++) {
            GgufTensor prev = sorted.get(i - 1);
            GgufTensor cur = sorted.get(i);
            if (prev.offset() + prev.byteSize() > cur.offset()) {
                throw new GgufException(path.getFileName() + ": tensors '" + prev.name() + "' and '" + cur.name() + "' overlap in the data section");
            }
        }
    }

    private static Object readValue(Cursor c, GgufValueType type, String key, int depth) throws IOException {
        String f = "value of '" + key + "'";
        return switch (type) {
            case UINT8 -> (long) (c.u8(f) & 0xff);
            case INT8 -> (long) c.u8(f);
            case UINT16 -> (long) (c.u16(f) & 0xffff);
            case INT16 -> (long) c.u16(f);
            case UINT32 -> Integer.toUnsignedLong(c.u32(f));
            case INT32 -> (long) c.u32(f);
            case UINT64, INT64 -> c.u64(f);
            case FLOAT32 -> c.f32(f);
            case FLOAT64 -> c.f64(f);
            case BOOL -> readBool(c, f);
            case STRING -> c.string(f);
            case ARRAY -> readArray(c, key, depth);
        };
    }

    private static boolean readBool(Cursor c, String field) throws IOException {
        long at = c.offset();
        byte b = c.u8(field);
        if (b != 0 && b != 1) {
            throw c.errorAt(at, field + " is a bool with byte value " + (b & 0xff));
        }
        return b == 1;
    }

    private static GgufArray readArray(Cursor c, String key, int depth) throws IOException {
        if (depth >= MAX_ARRAY_DEPTH) {
            throw c.error("metadata '" + key + "' nests arrays deeper than " + MAX_ARRAY_DEPTH);
        }
        long at = c.offset();
        int typeId = c.u32("element type of '" + key + "'");
        GgufValueType et = GgufValueType.byId(typeId);
        if (et == null) {
            throw c.errorAt(at, "metadata array '" + key + "' has unknown element type " + Integer.toUnsignedString(typeId));
        }
        int n = (int) c.count("length of array '" + key + "'", et.minBytes);
        String f = "element of '" + key + "'";
        if (et.isInteger()) {
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Long) readValue(c, et, key, depth);
            }
            return new GgufArray(et, a);
        }
        switch (et) {
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = c.f32(f);
                }
                return new GgufArray(et, a);
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = c.f64(f);
                }
                return new GgufArray(et, a);
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readBool(c, f);
                }
                return new GgufArray(et, a);
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = c.string(f);
                }
                return new GgufArray(et, a);
            }
            case ARRAY -> {
                GgufArray[] a = new GgufArray[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readArray(c, key, depth + 1);
                }
                return new GgufArray(et, a);
            }
            default -> throw new IllegalStateException("unhandled element type " + et);
        }
    }
}
