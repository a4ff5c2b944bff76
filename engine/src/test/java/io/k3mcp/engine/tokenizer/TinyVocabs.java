package io.k3mcp.engine.tokenizer;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufMetadata;
import io.k3mcp.engine.gguf.GgufValueType;
import io.k3mcp.engine.gguf.GgufWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Small GGUF tokenizers written to a temporary folder, for behaviour and error tests. */
final class TinyVocabs {
    private TinyVocabs() {
    }

    /** Writes a GGUF holding only the metadata {@code kv} puts, and reads its metadata back. */
    static GgufMetadata metadata(Path dir, Consumer<GgufWriter> kv) throws IOException {
        GgufWriter w = new GgufWriter().putString("general.architecture", "llama");
        kv.accept(w);
        Path file = dir.resolve("tiny-" + System.nanoTime() + ".gguf");
        w.write(file);
        try (GgufFile f = GgufFile.open(file)) {
            return f.metadata();
        }
    }

    static Consumer<GgufWriter> spm(String[] tokens, float[] scores, int[] types) {
        return w -> w.putString("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, tokens)
                .putArray("tokenizer.ggml.scores", GgufValueType.FLOAT32, scores)
                .putArray("tokenizer.ggml.token_type", GgufValueType.INT32, toLongs(types));
    }

    static Consumer<GgufWriter> bpe(String pre, String[] tokens, int[] types, String[] merges) {
        return w -> w.putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", pre)
                .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, tokens)
                .putArray("tokenizer.ggml.token_type", GgufValueType.INT32, toLongs(types))
                .putArray("tokenizer.ggml.merges", GgufValueType.STRING, merges);
    }

    static long[] toLongs(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            l[i] = a[i];
        }
        return l;
    }

    static int[] types(int n, int type) {
        int[] t = new int[n];
        java.util.Arrays.fill(t, type);
        return t;
    }
}
