package io.k3mcp.engine.model;

import io.k3mcp.engine.testing.Golden;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.ReferenceKernels;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The router near-ties of a teacher-forced run as the plain-Java reference forward computes them, by the
 * fixtures' definition ({@code moe_router_near_ties}: a routing decision whose k-th and (k+1)-th router
 * logits lie within {@value #MARGIN}). The fixtures list them from a numpy forward that reads F16/Q8_0 only,
 * so a K-quant MoE golden lists none; the reference kernels emulate ggml's arithmetic on every type and list
 * them the same way. The router is the F32 (experts x n_embd) product, seen through a proxy of the kernels.
 */
final class ReferenceNearTies {
    static final double MARGIN = 0.05;

    /** One routing decision: the token's position, the layer (router call of its forward), k-th minus (k+1)-th logit. */
    record Tie(int position, int layer, double margin) {
    }

    private ReferenceNearTies() {
    }

    /** The near-ties of {@code run} (prompt as one batch, then each golden token) on the reference kernels. */
    static List<Tie> of(Path modelFile, Golden.Run run) throws IOException {
        List<Tie> ties = new ArrayList<>();
        int[] position = {0};
        int[] layer = {0};
        try (Model model = Model.load(modelFile, ReferenceKernels.INSTANCE)) {
            ModelConfig c = model.config();
            if (c.experts() == null) {
                throw new IllegalArgumentException(modelFile + " has no experts: router near-ties exist only in MoE models");
            }
            int nExpert = c.experts().nExpert();
            int nUsed = c.experts().nUsed();
            Kernels observed = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                    (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(ReferenceKernels.INSTANCE, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("matmul") && args[0] == GgmlType.F32 && (int) args[2] == nExpert
                                && (int) args[3] == c.nEmbd()) {
                            record((FloatBuffer) args[5], (int) args[6], nExpert, nUsed, position[0], layer[0]++, ties);
                        }
                        return result;
                    });
            Transformer tf = new Transformer(model, observed);
            KvCache cache = new KvCache(c, run.promptIds().length + run.generatedIds().length, GgmlType.F16);
            tf.forward(cache, run.promptIds(), false);
            position[0] = run.promptIds().length;
            for (int s = 0; s + 1 < run.steps().size(); s++) {
                layer[0] = 0;
                tf.forward(cache, new int[] {run.generatedIds()[s]}, false);
                position[0]++;
            }
        }
        return ties;
    }

    /** The steps of {@code run} whose logits come from a position with a near-tie (step s: position promptLength - 1 + s). */
    static List<Integer> steps(List<Tie> ties, Golden.Run run) {
        int first = run.promptIds().length - 1;
        return ties.stream().map(t -> t.position() - first).filter(s -> s >= 0).distinct().sorted().toList();
    }

    private static void record(FloatBuffer logits, int nTokens, int nExpert, int nUsed, int base, int layer, List<Tie> ties) {
        float[] row = new float[nExpert];
        for (int t = 0; t < nTokens; t++) {
            logits.get(t * nExpert, row);
            Arrays.sort(row);
            double margin = row[nExpert - nUsed] - row[nExpert - nUsed - 1];
            if (margin < MARGIN) {
                ties.add(new Tie(base + t, layer, margin));
            }
        }
    }
}
