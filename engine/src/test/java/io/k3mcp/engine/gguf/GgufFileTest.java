package io.k3mcp.engine.gguf;

import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader against the shared model files, whose layout MODELS.md documents. */
class GgufFileTest {

    @Test
    void readsTinyRandomLlamaAsDocumented() throws IOException {
        try (GgufFile f = GgufFile.open(Shared.model("llama-2-tiny-random.gguf"))) {
            assertEquals(3, f.version());
            assertEquals(32, f.alignment());
            assertEquals(724416, f.dataOffset());
            assertEquals(18, f.metadata().keys().size());
            assertEquals(12, f.tensors().size());
            GgufMetadata m = f.metadata();
            assertEquals("llama", m.string("general.architecture"));
            assertEquals("LLaMA v2", m.string("general.name"));
            assertEquals(4096, m.getLong("llama.context_length"));
            assertEquals(8, m.getLong("llama.embedding_length"));
            assertEquals(9.999999747378752e-06f, m.getFloat("llama.attention.layer_norm_rms_epsilon", 0f));
            String[] tokens = m.stringArray("tokenizer.ggml.tokens");
            assertEquals(32000, tokens.length);
            assertEquals("<unk>", tokens[0]);
            assertEquals("<0x00>", tokens[3]);
            int[] types = m.intArray("tokenizer.ggml.token_type");
            assertArrayEquals(new int[] {2, 3, 3, 6, 6}, java.util.Arrays.copyOf(types, 5));
            assertEquals(32000, m.floatArray("tokenizer.ggml.scores").length);
            assertEquals(1, m.getLong("tokenizer.ggml.bos_token_id"));

            GgufTensor embd = f.require("token_embd.weight");
            assertEquals(GgmlType.F16, embd.type());
            assertArrayEquals(new long[] {8, 32000}, embd.ne());
            assertEquals(0, embd.offset());
            assertEquals(512000, embd.byteSize());
            GgufTensor down = f.require("blk.0.ffn_down.weight");
            assertArrayEquals(new long[] {32, 8}, down.ne());
            assertEquals(513536, down.offset());
            GgufTensor norm = f.require("output_norm.weight");
            assertEquals(GgmlType.F32, norm.type());
            assertEquals(514112, norm.offset());
            assertEquals(32, f.data(norm).capacity());
            assertNull(f.tensor("no.such.tensor"));
        }
    }

    @Test
    void mappedDataIsTheFileBytes() throws IOException {
        Path p = Shared.model("llama-2-tiny-random.gguf");
        byte[] file = Files.readAllBytes(p);
        try (GgufFile f = GgufFile.open(p)) {
            for (GgufTensor t : f.tensors()) {
                ByteBuffer b = f.data(t);
                assertEquals(t.byteSize(), b.capacity());
                for (int i = 0; i < b.capacity(); i += 97) {
                    assertEquals(file[(int) (t.fileOffset() + i)], b.get(i), t.name() + " byte " + i);
                }
            }
        }
    }

    @Test
    void opensEverySharedModel() throws IOException {
        List<String> opened = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Shared.root().resolve("models"), "*.gguf")) {
            for (Path p : ds) {
                try (GgufFile f = GgufFile.open(p)) {
                    assertFalse(f.tensors().isEmpty(), p.toString());
                    assertTrue(f.metadata().has("general.architecture"), p.toString());
                    opened.add(p.getFileName().toString());
                }
            }
        }
        assertTrue(opened.size() >= 20, "opened " + opened);
    }

    @Test
    void rewritingAFileReproducesItByteForByte(@TempDir Path tmp) throws IOException {
        for (String name : List.of("llama-2-tiny-random.gguf", "llama-mini-q4_k_m.gguf", "qwen3-mini-q8_0.gguf")) {
            Path src = Shared.model(name);
            Path dst = tmp.resolve(name);
            try (GgufFile f = GgufFile.open(src)) {
                GgufWriter w = new GgufWriter();
                f.metadata().asMap().forEach((k, v) -> w.put(k, v.type(), v.value()));
                if (f.metadata().has("general.alignment")) {
                    w.alignment((int) f.metadata().getLong("general.alignment"));
                }
                for (GgufTensor t : f.tensors()) {
                    w.addTensor(t.name(), t.type(), t.ne(), f.data(t));
                }
                w.write(dst);
            }
            assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dst), name);
        }
    }
}
