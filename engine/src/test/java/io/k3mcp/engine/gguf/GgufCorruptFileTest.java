package io.k3mcp.engine.gguf;

import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import static io.k3mcp.engine.testing.Bytes.indexOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    /** The bytes {@code w} writes: a small file to mutate. */
    private byte[] written(GgufWriter w) throws IOException {
        Path p = tmp.resolve("written.gguf");
        w.write(p);
        return Files.readAllBytes(p);
    }

    /** Overwrites the first occurrence of {@code from} with {@code to} (same length). */
    private static void replace(byte[] b, String from, String to) {
        System.arraycopy(to.getBytes(), 0, b, indexOf(b, from), to.length());
    }

    /** An array nested {@code levels} deep (an array of arrays ... of one UINT8). */
    private static GgufArray nested(int levels) {
        GgufArray a = new GgufArray(GgufValueType.UINT8, new long[] {1});
        for (int i = 1; i < levels; i++) {
            a = new GgufArray(GgufValueType.ARRAY, new GgufArray[] {a});
        }
        return a;
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

    @ParameterizedTest
    @CsvSource({"16, IQ2_XXS", "21, IQ3_S", "29, IQ1_M"})
    void unsupportedTensorTypeIsRejectedByNameListingTheSupportedOnes(int id, String name) throws IOException {
        byte[] b = good.clone();
        int at = indexOf(b, "w.q8") + 4 + 4 + 16; // name, n_dims, ne[2]
        putU32(b, at, id);
        String msg = failure(b);
        assertTrue(msg.contains("'w.q8'") && msg.contains("(" + name + ")") && msg.contains("not support"), msg);
        assertTrue(msg.contains("(supported: F32, F16, Q4_0,") && msg.contains("Q4_K") && msg.contains("IQ4_NL") && msg.contains("IQ4_XS"), msg);
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

    @Test
    void duplicateMetadataKeyIsNamedAtItsSecondEntry() throws IOException {
        byte[] b = written(new GgufWriter().putU32("dup.a", 1).putU32("dup.b", 2));
        int second = indexOf(b, "dup.b") - 8; // the entry starts with the key's u64 length
        replace(b, "dup.b", "dup.a");
        assertEquals("bad.gguf: duplicate metadata key 'dup.a' (at byte offset " + second + ")", failure(b));
    }

    @Test
    void nonIntegerAlignmentIsRejectedAtItsEntry() throws IOException {
        byte[] b = written(new GgufWriter().putString("general.architecture", "llama")
                .put("general.alignment", GgufValueType.FLOAT32, 32f));
        int at = indexOf(b, "general.alignment") - 8;
        assertEquals("bad.gguf: general.alignment must be an integer, found FLOAT32 (at byte offset " + at + ")", failure(b));
    }

    @ParameterizedTest
    @CsvSource({"UINT32, 0, 0", "UINT32, 48, 48", "UINT32, 2097152, 2097152", "INT32, -64, -64", "UINT64, -1, 18446744073709551615"})
    void alignmentThatIsNotAPowerOfTwoUpTo1MiBIsRejected(GgufValueType type, long value, String shown) throws IOException {
        byte[] b = written(new GgufWriter().putString("general.architecture", "llama").put("general.alignment", type, value));
        int at = indexOf(b, "general.alignment") - 8;
        assertEquals("bad.gguf: general.alignment " + shown + " is not a power of two in 1..1048576 (at byte offset " + at + ")", failure(b));
    }

    @Test
    void duplicateTensorNameIsNamedAtItsSecondEntry() throws IOException {
        GgufWriter w = new GgufWriter();
        w.addTensor("t.a", GgmlType.F32, new long[] {8}, ByteBuffer.allocate(32));
        w.addTensor("t.b", GgmlType.F32, new long[] {8}, ByteBuffer.allocate(32));
        byte[] b = written(w);
        int second = indexOf(b, "t.b") - 8;
        replace(b, "t.b", "t.a");
        assertEquals("bad.gguf: duplicate tensor name 't.a' (at byte offset " + second + ")", failure(b));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1099511627777, 1099511627777", "-1, 18446744073709551615"})
    void zeroOrAbsurdDimensionIsRejectedWithTheTensorAndAxis(long ne1, String shown) throws IOException {
        byte[] b = good.clone();
        int name = indexOf(b, "w.q8");
        putU64(b, name + 4 + 4 + 8, ne1); // name, n_dims, ne[0]
        assertEquals("bad.gguf: tensor 'w.q8' dimension 1 is " + shown + " (at byte offset " + (name - 8) + ")", failure(b));
    }

    @Test
    void boolByteOtherThanZeroOrOneIsRejectedAtThatByte() throws IOException {
        byte[] b = written(new GgufWriter().putBool("flag", true).putArray("flags", GgufValueType.BOOL, new boolean[] {false, true}));
        int value = indexOf(b, "flag") + 4 + 4; // key, value type
        b[value] = 2;
        assertEquals("bad.gguf: value of 'flag' is a bool with byte value 2 (at byte offset " + value + ")", failure(b));

        b[value] = 1;
        int second = indexOf(b, "flags") + 5 + 4 + 4 + 8 + 1; // key, value type, element type, length, element 0
        b[second] = (byte) 0xff;
        assertEquals("bad.gguf: element of 'flags' is a bool with byte value 255 (at byte offset " + second + ")", failure(b));
    }

    @Test
    void arraysNestedPastFourLevelsAreRejected() throws IOException {
        Path four = tmp.resolve("four.gguf");
        new GgufWriter().put("deep", GgufValueType.ARRAY, nested(4)).write(four);
        try (GgufFile f = GgufFile.open(four)) {
            GgufArray a = (GgufArray) f.metadata().asMap().get("deep").value();
            int levels = 1;
            while (a.elementType() == GgufValueType.ARRAY) {
                a = ((GgufArray[]) a.values())[0];
                levels++;
            }
            assertEquals(4, levels, "four levels are allowed");
            assertArrayEquals(new long[] {1}, (long[]) a.values());
        }
        byte[] b = written(new GgufWriter().put("deep", GgufValueType.ARRAY, nested(5)));
        int fifth = indexOf(b, "deep") + 4 + 4 + 4 * 12; // key, value type, four (element type, length) headers
        assertEquals("bad.gguf: metadata 'deep' nests arrays deeper than 4 (at byte offset " + fifth + ")", failure(b));
    }

    @Test
    void unknownArrayElementTypeIsRejectedAtTheElementType() throws IOException {
        byte[] b = good.clone();
        int at = indexOf(b, "tokenizer.ggml.tokens") + "tokenizer.ggml.tokens".length() + 4; // key, value type
        putU32(b, at, 99);
        assertEquals("bad.gguf: metadata array 'tokenizer.ggml.tokens' has unknown element type 99 (at byte offset " + at + ")", failure(b));
    }
}
