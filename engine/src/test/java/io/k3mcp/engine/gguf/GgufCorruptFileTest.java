package io.k3mcp.engine.gguf;

import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Truncated, corrupt and unsupported files get a GgufException naming what is wrong, never a crash. */
class GgufCorruptFileTest {
    @TempDir
    Path tmp;
    private byte[] good;

    @BeforeEach
    void writeSmallModel() throws IOException {
        Path p = tmp.resolve("good.gguf");
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putU32("llama.embedding_length", 32)
                .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, new String[] {"a", "b", "c"});
        w.addTensor("w.f32", GgmlType.F32, new long[] {4, 2}, ByteBuffer.allocate(32));
        w.addTensor("w.q8", GgmlType.Q8_0, new long[] {32, 2}, ByteBuffer.allocate(68));
        w.write(p);
        good = Files.readAllBytes(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(2, f.tensors().size());
        }
    }

    private String failure(byte[] bytes) throws IOException {
        Path p = tmp.resolve("bad.gguf");
        Files.write(p, bytes);
        GgufException e = assertThrows(GgufException.class, () -> GgufFile.open(p).close());
        assertTrue(e.getMessage().startsWith("bad.gguf: "), e.getMessage());
        return e.getMessage();
    }

    private static int indexOf(byte[] hay, String needle) {
        byte[] n = needle.getBytes();
        outer:
        for (int i = 0; i <= hay.length - n.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (hay[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(needle + " not in file");
    }

    private static void putU32(byte[] b, int at, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
    }

    private static void putU64(byte[] b, int at, long v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
    }

    @Test
    void missingFileSaysSo() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> GgufFile.open(tmp.resolve("nope.gguf")));
        assertTrue(e.getMessage().contains("nope.gguf"));
    }

    @Test
    void badMagic() throws IOException {
        byte[] b = good.clone();
        b[0] = 'X';
        assertTrue(failure(b).contains("not a GGUF file"));
    }

    @Test
    void unsupportedVersionAndBigEndian() throws IOException {
        byte[] b = good.clone();
        putU32(b, 4, 4);
        assertTrue(failure(b).contains("unsupported GGUF version 4"));
        putU32(b, 4, 0x03000000);
        assertTrue(failure(b).contains("big-endian"));
    }

    @Test
    void everyTruncationIsAClearError() throws IOException {
        GgufFile probe = GgufFile.open(tmp.resolve("good.gguf"));
        long dataOffset = probe.dataOffset();
        GgufTensor last = probe.require("w.q8");
        long end = last.fileOffset() + last.byteSize(); // the padding after the last tensor may go
        probe.close();
        for (int cut = 0; cut < end; cut++) {
            String msg = failure(Arrays.copyOf(good, cut));
            assertTrue(msg.contains("truncated") || msg.contains("end of file") || msg.contains("cannot fit") || msg.contains("exceeds"),
                    "cut at " + cut + " (data at " + dataOffset + "): " + msg);
        }
    }

    @Test
    void tensorPastEndOfFileNamesTheTensor() throws IOException {
        String msg = failure(Arrays.copyOf(good, good.length - 40));
        assertTrue(msg.contains("'w.q8'") && msg.contains("extends past the end"), msg);
    }

    @Test
    void unsupportedTensorTypeIsRejectedByName() throws IOException {
        byte[] b = good.clone();
        int at = indexOf(b, "w.q8") + 4 + 4 + 16; // name, n_dims, ne[2]
        putU32(b, at, 20);
        String msg = failure(b);
        assertTrue(msg.contains("'w.q8'") && msg.contains("IQ4_NL") && msg.contains("not support"), msg);
        assertTrue(msg.contains("(supported: F32, F16, Q4_0,") && msg.contains("Q6_K"), msg);
    }

    @Test
    void misalignedOffset() throws IOException {
        byte[] b = good.clone();
        int at = indexOf(b, "w.q8") + 4 + 4 + 16 + 4;
        putU64(b, at, 33);
        assertTrue(failure(b).contains("not a multiple of the alignment"));
    }

    @Test
    void overlappingTensors() throws IOException {
        byte[] b = good.clone();
        int at = indexOf(b, "w.q8") + 4 + 4 + 16 + 4;
        putU64(b, at, 0);
        assertTrue(failure(b).contains("overlap"));
    }

    @Test
    void rowNotAWholeNumberOfBlocks() throws IOException {
        byte[] b = good.clone();
        int at = indexOf(b, "w.q8") + 4 + 4;
        putU64(b, at, 16);
        String msg = failure(b);
        assertTrue(msg.contains("not a multiple of the block size 32"), msg);
    }

    @Test
    void absurdDimensionsAndCounts() throws IOException {
        byte[] b = good.clone();
        int dims = indexOf(b, "w.q8");
        putU32(b, dims + 4, 7);
        assertTrue(failure(b).contains("7 dimensions"));

        b = good.clone();
        putU64(b, 8, 1L << 40); // tensor_count
        assertTrue(failure(b).contains("tensor_count"));

        b = good.clone();
        int arr = indexOf(b, "tokenizer.ggml.tokens") + "tokenizer.ggml.tokens".length() + 4 + 4;
        putU64(b, arr, Long.MAX_VALUE);
        assertTrue(failure(b).contains("length of array 'tokenizer.ggml.tokens'"));

        b = good.clone();
        putU64(b, 24, -1L); // first key's length
        assertTrue(failure(b).contains("metadata key #0 length"));
    }

    @Test
    void unknownValueType() throws IOException {
        byte[] b = good.clone();
        int at = indexOf(b, "general.architecture") + "general.architecture".length();
        putU32(b, at, 99);
        assertTrue(failure(b).contains("'general.architecture' has unknown value type 99"));
    }

    @Test
    void wrongMetadataTypeIsNamed() throws IOException {
        try (GgufFile f = GgufFile.open(Shared.model("llama-2-tiny-random.gguf"))) {
            GgufException e = assertThrows(GgufException.class, () -> f.metadata().string("llama.context_length"));
            assertTrue(e.getMessage().contains("'llama.context_length' should be a string but is UINT32"), e.getMessage());
            GgufException missing = assertThrows(GgufException.class, () -> f.metadata().getLong("llama.nope"));
            assertTrue(missing.getMessage().contains("required metadata 'llama.nope' is missing"));
            GgufException range = assertThrows(GgufException.class, () -> f.metadata().intIn("llama.context_length", 1, 100));
            assertTrue(range.getMessage().contains("outside 1..100"));
            GgufException absent = assertThrows(GgufException.class, () -> f.require("output.bias"));
            assertTrue(absent.getMessage().contains("'output.bias' is missing"));
        }
    }
}
