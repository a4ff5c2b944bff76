package io.k3mcp.engine.embed.onnx;

import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Corrupt, truncated and wrong ONNX / tokenizer inputs give errors naming what and where. */
class OnnxCorruptInputTest {
    private static final String TOKENIZER = "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"[PAD]\":0,\"[UNK]\":1,"
            + "\"[CLS]\":2,\"[SEP]\":3,\"[MASK]\":4,\"a\":5,\"##b\":6}},\"added_tokens\":[{\"id\":0,\"special\":true}]}";

    private static OnnxFormatException parseFails(byte[] bytes) {
        return assertThrows(OnnxFormatException.class, () -> OnnxParser.parse(ByteBuffer.wrap(bytes), "test.onnx"));
    }

    @Test
    void lengthRunningPastTheEndNamesTheOffset() {
        // field 7 (graph), length-delimited, claims 5 bytes but only 1 follows
        OnnxFormatException e = parseFails(new byte[] {0x3a, 0x05, 0x0a});
        assertTrue(e.getMessage().contains("test.onnx at byte 2") && e.getMessage().contains("length 5"), e.getMessage());
    }

    @Test
    void truncatedVarintAndBadWireTypeAreRejected() {
        assertTrue(parseFails(new byte[] {0x08, (byte) 0x80}).getMessage().contains("truncated varint"));
        OnnxFormatException e = parseFails("not an onnx file".getBytes(StandardCharsets.US_ASCII));
        assertTrue(e.getMessage().contains("wire type"), e.getMessage());
    }

    @Test
    void aModelWithoutAGraphIsRejected() {
        // field 1 (ir_version) = 7 and nothing else
        OnnxFormatException e = parseFails(new byte[] {0x08, 0x07});
        assertTrue(e.getMessage().contains("no graph"), e.getMessage());
    }

    @Test
    void aGraphWithoutBertTensorsIsRejected() {
        // graph { node { op_type: "Relu" } }
        byte[] node = {0x22, 0x04, 'R', 'e', 'l', 'u'};
        byte[] graph = concat(new byte[] {0x0a, (byte) node.length}, node);
        byte[] model = concat(new byte[] {0x3a, (byte) graph.length}, graph);
        OnnxGraph g = OnnxParser.parse(ByteBuffer.wrap(model), "relu.onnx");
        assertEquals("Relu", g.nodes().get(0).opType());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> new BertGraphMap(g, "relu.onnx"));
        assertTrue(e.getMessage().contains("relu.onnx") && e.getMessage().contains("token_embd"), e.getMessage());
    }

    @Test
    void rawDataOfTheWrongSizeIsRejected() {
        OnnxTensor t = new OnnxTensor("w", OnnxTensor.FLOAT, new long[] {2, 3}, ByteBuffer.allocate(20), new float[0], new long[0]);
        OnnxFormatException e = assertThrows(OnnxFormatException.class, t::floats);
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("20 bytes") && e.getMessage().contains("24"), e.getMessage());
    }

    @Test
    void tokenizerJsonIsReadWithLlamaCppSpellingsAndBadOnesRejected() throws IOException {
        HfWordPieceVocab v = HfWordPieceVocab.read(new ByteArrayInputStream(TOKENIZER.getBytes(StandardCharsets.UTF_8)), "t.json");
        assertEquals("[PAD]", v.tokens()[0]);
        assertEquals("\u2581[UNK]", v.tokens()[1], "[UNK] is not an added token here, so it gets the word-start mark");
        assertEquals("\u2581a", v.tokens()[5]);
        assertEquals("b", v.tokens()[6]);
        assertEquals(3, v.types()[0]);
        assertEquals(1, v.unk());
        String bpe = "{\"model\":{\"type\":\"BPE\",\"vocab\":{}}}";
        OnnxFormatException e = assertThrows(OnnxFormatException.class,
                () -> HfWordPieceVocab.read(new ByteArrayInputStream(bpe.getBytes(StandardCharsets.UTF_8)), "bpe.json"));
        assertTrue(e.getMessage().contains("bpe.json") && e.getMessage().contains("BPE"), e.getMessage());
    }

    @Test
    void jarWithoutModelOrMissingJarIsAClearError(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("empty.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("README"));
            zip.write("nothing".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        Path out = dir.resolve("out.gguf");
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> ModelJar.convert(jar, ImportMain.MINILM,
                OnnxBertImporter.Precision.F16, out, ReferenceKernels.INSTANCE));
        assertTrue(e.getMessage().contains("no *.onnx"), e.getMessage());
        assertFalse(Files.exists(out));
        assertThrows(NoSuchFileException.class, () -> ModelJar.convert(dir.resolve("missing.jar"), ImportMain.MINILM,
                OnnxBertImporter.Precision.F16, out, ReferenceKernels.INSTANCE));
    }

    @Test
    void truncatedRealModelIsRejected(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("truncated.jar");
        byte[] onnx;
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(OnnxImportTest.minilmJar().toFile())) {
            ZipEntry e = z.getEntry("all-minilm-l6-v2.onnx");
            try (java.io.InputStream in = z.getInputStream(e)) {
                onnx = in.readNBytes(1 << 20);
            }
        }
        OnnxFormatException e = parseFails(onnx);
        assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
        assertFalse(Files.exists(jar));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
