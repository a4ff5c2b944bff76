package io.k3mcp.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A llama.cpp golden file, generate-&lt;model&gt;.json (see shared/fixtures/README.md). Names of the
 * architectures that have landed from shared/fixtures/new-archs carry the prefix {@code new-archs/}; their
 * list is the test resource {@code landed-new-archs.txt} (one model name a line).
 *
 * @param twoTurn the {@code two_turn_run} of a file that has one (a second prompt extending the first turn), or null
 */
public record Golden(String name, String modelFile, double tol, List<Run> runs, String logitsFile, TwoTurn twoTurn) {
    public static final String NEW_ARCHS = "new-archs/";

    /** Turn 1 (prompt, greedy output), the continuation text's ids, and turn 2 whose prompt extends turn 1. */
    public record TwoTurn(Run turn1, int[] continuationIds, Run turn2, boolean turn2ExtendsTurn1) {
    }

    /**
     * One greedy run: prompt ids, generated ids and the top-5 logits of every step; for MoE goldens the
     * steps whose token position has a listed router near-tie ({@code moe_router_near_ties}: the k-th and
     * (k+1)-th router logits within 0.05, where a correct engine may pick the other expert).
     */
    public record Run(String label, int[] promptIds, int[] generatedIds, int decisiveSteps, List<Step> steps,
                      Set<Integer> nearTieSteps) {
    }

    public record Step(int token, int[] topIds, double[] topLogits, double gap) {
    }

    /** Every generate-*.json in shared/fixtures by model name, then the landed ones of new-archs/. */
    public static Stream<String> names() throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.list(Shared.root().resolve("fixtures"))) {
            names = new ArrayList<>(files.map(p -> p.getFileName().toString())
                    .filter(f -> f.startsWith("generate-") && f.endsWith(".json"))
                    .map(f -> f.substring("generate-".length(), f.length() - ".json".length()))
                    .sorted().toList());
        }
        names.addAll(landedNewArchs());
        return names.stream();
    }

    /** The new-archs goldens whose architecture and types have landed, prefixed {@value #NEW_ARCHS}. */
    public static List<String> landedNewArchs() throws IOException {
        try (InputStream in = Golden.class.getResourceAsStream("/landed-new-archs.txt")) {
            if (in == null) {
                throw new IOException("test resource landed-new-archs.txt is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> NEW_ARCHS + l).toList();
        }
    }

    public static Golden load(String name) throws IOException {
        String dir = name.startsWith(NEW_ARCHS) ? NEW_ARCHS : "";
        String base = name.substring(dir.length());
        JsonNode root = new ObjectMapper().readTree(Shared.fixture(dir + "generate-" + base + ".json").toFile());
        JsonNode ties = routerTies(base);
        List<Run> runs = new ArrayList<>();
        int i = 0;
        for (JsonNode p : root.get("prompts")) {
            JsonNode listed = ties == null ? p.get("moe_router_near_ties") : ties.get("prompts").get(i);
            runs.add(run("prompt " + i++ + " '" + p.get("prompt").asText() + "'", p, p.get("decisive_steps").asInt(), listed));
        }
        double tol = root.get("tolerance").get("recommended_abs_logit_tol").asDouble();
        for (String extra : List.of("sliding_window_run", "long_run")) {
            JsonNode r = root.get(extra);
            if (r != null) {
                runs.add(run(extra, r, decisive(r, tol), ties == null ? r.get("moe_router_near_ties") : ties.get(extra)));
            }
        }
        return new Golden(name, dir + root.get("model").get("file").asText(), tol, runs,
                dir + root.get("logits_file").get("file").asText(), twoTurn(root.get("two_turn_run"), tol));
    }

    /**
     * Router near-ties from llama.cpp itself for a MoE golden whose fixture lists none
     * ({@code router-ties/NAME.json}, made by scripts/router-ties/make-router-ties.sh), or null.
     */
    private static JsonNode routerTies(String base) throws IOException {
        try (InputStream in = Golden.class.getResourceAsStream("/router-ties/" + base + ".json")) {
            return in == null ? null : new ObjectMapper().readTree(in);
        }
    }

    private static TwoTurn twoTurn(JsonNode t, double tol) {
        if (t == null) {
            return null;
        }
        JsonNode t1 = t.get("turn1");
        JsonNode t2 = t.get("turn2");
        return new TwoTurn(run("two_turn_run turn1", t1, decisive(t1, tol)), ints(t.get("continuation_ids")),
                run("two_turn_run turn2", t2, decisive(t2, tol)), t.get("turn2_prompt_extends_turn1").asBoolean());
    }

    /** The process's native kernels on two threads, the path the CLI and server use (failing when the library is missing). */
    public static io.k3mcp.kernels.Kernels nativeKernels() {
        org.junit.jupiter.api.Assertions.assertTrue(io.k3mcp.kernels.NativeKernels.available().available(),
                () -> "native kernels: " + io.k3mcp.kernels.NativeKernels.available().reason());
        return io.k3mcp.kernels.NativeKernels.shared(2, null, null);
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
        return run(label, p, decisive, p.get("moe_router_near_ties"));
    }

    private static Run run(String label, JsonNode p, int decisive, JsonNode nearTies) {
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
        // step s gives the logits after the token at position promptLength - 1 + s
        int firstPosition = p.get("prompt_ids").size() - 1;
        Set<Integer> ties = new TreeSet<>();
        if (nearTies != null) {
            for (JsonNode tie : nearTies.get("ties")) {
                int step = tie.get(0).asInt() - firstPosition;
                if (step >= 0) {
                    ties.add(step);
                }
            }
        }
        return new Run(label, ints(p.get("prompt_ids")), ints(p.get("generated_ids")), decisive, steps, ties);
    }

    public static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }
}
