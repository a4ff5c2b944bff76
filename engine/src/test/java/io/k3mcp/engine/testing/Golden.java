package io.k3mcp.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A llama.cpp golden file, generate-&lt;model&gt;.json (see shared/fixtures/README.md). */
public record Golden(String name, String modelFile, double tol, List<Run> runs, String logitsFile) {

    /** One greedy run: prompt ids, generated ids and the top-5 logits of every step. */
    public record Run(String label, int[] promptIds, int[] generatedIds, int decisiveSteps, List<Step> steps) {
    }

    public record Step(int token, int[] topIds, double[] topLogits, double gap) {
    }

    /** Every generate-*.json in shared/fixtures, by model name. */
    public static Stream<String> names() throws IOException {
        try (Stream<Path> files = Files.list(Shared.root().resolve("fixtures"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.startsWith("generate-") && f.endsWith(".json"))
                    .map(f -> f.substring("generate-".length(), f.length() - ".json".length()))
                    .sorted().toList().stream();
        }
    }

    public static Golden load(String name) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Shared.fixture("generate-" + name + ".json").toFile());
        List<Run> runs = new ArrayList<>();
        int i = 0;
        for (JsonNode p : root.get("prompts")) {
            runs.add(run("prompt " + i++ + " '" + p.get("prompt").asText() + "'", p, p.get("decisive_steps").asInt()));
        }
        JsonNode sw = root.get("sliding_window_run");
        if (sw != null) {
            runs.add(run("sliding_window_run", sw, decisive(sw, root.get("tolerance").get("recommended_abs_logit_tol").asDouble())));
        }
        return new Golden(name, root.get("model").get("file").asText(),
                root.get("tolerance").get("recommended_abs_logit_tol").asDouble(), runs,
                root.get("logits_file").get("file").asText());
    }

    /** The full step-0 logits of the first prompt. */
    public float[] stepZeroLogits() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Shared.fixture(logitsFile))).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    private static int decisive(JsonNode run, double tol) {
        int n = 0;
        for (JsonNode s : run.get("steps")) {
            if (s.get("gap_top1_top2").asDouble() <= 2 * tol) {
                break;
            }
            n++;
        }
        return n;
    }

    private static Run run(String label, JsonNode p, int decisive) {
        List<Step> steps = new ArrayList<>();
        for (JsonNode s : p.get("steps")) {
            JsonNode top = s.get("top5");
            int[] ids = new int[top.size()];
            double[] logits = new double[top.size()];
            for (int j = 0; j < top.size(); j++) {
                ids[j] = top.get(j).get(0).asInt();
                logits[j] = top.get(j).get(1).asDouble();
            }
            steps.add(new Step(s.get("token").asInt(), ids, logits, s.get("gap_top1_top2").asDouble()));
        }
        return new Run(label, ints(p.get("prompt_ids")), ints(p.get("generated_ids")), decisive, steps);
    }

    public static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }
}
