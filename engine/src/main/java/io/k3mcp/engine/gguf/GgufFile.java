package io.k3mcp.engine.gguf;

import io.k3mcp.kernels.GgmlType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A parsed GGUF file (v2 or v3): metadata, tensor descriptions validated against the file, and the
 * tensor data memory-mapped on demand (never copied into the heap). Parsing follows the spec's
 * field order; see {@link GgufParser}. Typed metadata getters live in {@link GgufMetadata}.
 */
public final class GgufFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final int version;
    private final long alignment;
    private final long dataOffset;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensor> tensors;
    private final Map<String, MappedByteBuffer> mapped = new ConcurrentHashMap<>();

    GgufFile(Path path, FileChannel channel, int version, long alignment, long dataOffset,
             Map<String, GgufValue> metadata, List<GgufTensor> tensors) {
        this.path = path;
        this.channel = channel;
        this.version = version;
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        this.metadata = new GgufMetadata(path, metadata);
        Map<String, GgufTensor> byName = new LinkedHashMap<>();
        for (GgufTensor t : tensors) {
            byName.put(t.name(), t);
        }
        this.tensors = Collections.unmodifiableMap(byName);
    }

    /** Opens and validates a GGUF file; throws {@link GgufException} with a specific message when it is not usable. */
    public static GgufFile open(Path path) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "model file not found");
        }
        try {
            return GgufParser.parse(path, ch);
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException closeError) {
                e.addSuppressed(closeError);
            }
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public long alignment() {
        return alignment;
    }

    /** Absolute offset of the tensor data section. */
    public long dataOffset() {
        return dataOffset;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    /** Tensors in file order. */
    public List<GgufTensor> tensors() {
        return new ArrayList<>(tensors.values());
    }

    /** The named tensor, or null when the file has none by that name. */
    public GgufTensor tensor(String name) {
        return tensors.get(name);
    }

    /** The named tensor; throws naming it when absent. */
    public GgufTensor require(String name) {
        GgufTensor t = tensors.get(name);
        if (t == null) {
            throw new GgufException(path.getFileName() + ": required tensor '" + name + "' is missing");
        }
        return t;
    }

    /** The tensor's bytes, memory-mapped read-only, little-endian (mapped once, then shared). */
    public ByteBuffer data(GgufTensor t) {
        return mapping(t).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Reads the tensor's pages into memory now, as llama.cpp's populated mapping does for the whole file: for a
     * tensor read a row at a time (the token embedding), so a token never seen before does not wait on the disk
     * in the middle of a decode step.
     */
    public void prefault(GgufTensor t) {
        mapping(t).load();
    }

    /** Whether every page of the tensor is in memory (mincore: a hint the kernel may revise at once); for tests. */
    boolean resident(GgufTensor t) {
        return mapping(t).isLoaded();
    }

    /** The tensor's mapping, made on first use and shared afterwards. */
    private MappedByteBuffer mapping(GgufTensor t) {
        return mapped.computeIfAbsent(t.name(), n -> map(t));
    }

    private MappedByteBuffer map(GgufTensor t) {
        if (t.byteSize() > Integer.MAX_VALUE) {
            throw new GgufException(path.getFileName() + ": tensor '" + t.name() + "' is " + t.byteSize()
                    + " bytes; tensors over 2 GiB are not supported");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, t.fileOffset(), t.byteSize());
        } catch (IOException e) {
            throw new GgufException(path.getFileName() + ": cannot map tensor '" + t.name() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    static GgmlType typeOf(Path path, long offset, String tensor, int id) {
        GgmlType type = GgmlType.byId(id);
        if (type == null) {
            throw GgufException.at(path, offset, "tensor '" + tensor + "' has ggml type " + id + " ("
                    + GgmlTypeNames.name(id) + "), which k3mcp does not support (supported: "
                    + java.util.Arrays.stream(GgmlType.values()).map(GgmlType::name).collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
        return type;
    }
}
