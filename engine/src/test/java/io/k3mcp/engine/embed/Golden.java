package io.k3mcp.engine.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.engine.testing.Shared;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The ONNX Runtime goldens of all-MiniLM-L6-v2 and llama.cpp's embed.json, read in place. */
final class Golden {
    /** One golden sentence: text, token ids and the normalised mean-pooled embedding. */
    record Sentence(String text, int[] ids, float[] embedding) {
    }

    private Golden() {
    }

    static List<Sentence> miniLm() {
        return sentences(read(Shared.model("all-minilm-l6-v2.golden.json")).get("sentences"), "token_ids");
    }

    static JsonNode embedFixture() {
        return read(Shared.fixture("embed.json"));
    }

    static List<Sentence> sentences(JsonNode array, String idsField) {
        List<Sentence> out = new ArrayList<>();
        for (JsonNode s : array) {
            out.add(new Sentence(s.get("text").asText(), ints(s.get(idsField)), floats(s.get("embedding"))));
        }
        return out;
    }

    static JsonNode read(java.nio.file.Path p) {
        try {
            return new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }

    static float[] floats(JsonNode a) {
        float[] r = new float[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) a.get(i).asDouble();
        }
        return r;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
