package io.k3mcp.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference forward's router near-ties against the ones the fixtures list for the files their numpy
 * forward reads (F16, Q8_0): the same (position, layer) decisions, away from the threshold where a margin
 * a little above or below {@value ReferenceNearTies#MARGIN} may fall on either side, and up to the first tight
 * tie (margin below {@value #TIGHT}), past which either forward may have taken the other expert.
 */
class ReferenceNearTiesTest {
    private static final double CLEAR = 0.04;
    private static final double TIGHT = 0.01;

    @Test
    void listsTheF16FixturesNearTies() throws IOException {
        Golden g = Golden.load(Golden.NEW_ARCHS + "qwen35moe-mini-f16");
        JsonNode prompts = prompts("qwen35moe-mini-f16");
        int compared = 0;
        for (int p = 0; p < prompts.size(); p++) {
            Set<String> listed = new TreeSet<>();
            int last = Integer.MAX_VALUE;
            for (JsonNode t : prompts.get(p).get("moe_router_near_ties").get("ties")) {
                if (t.get(0).asInt() <= last && t.get(2).asDouble() < CLEAR) {
                    listed.add(t.get(0).asInt() + "/" + t.get(1).asInt());
                }
                if (t.get(2).asDouble() < TIGHT) {
                    last = Math.min(last, t.get(0).asInt());
                }
            }
            int upTo = last;
            Set<String> ours = reference(g, p, t -> t.position() <= upTo && t.margin() < CLEAR);
            assertEquals(listed, ours, "prompt " + p + ": (position/layer) near-ties with margin < " + CLEAR);
            compared += listed.size();
        }
        assertTrue(compared > 0, "the fixture lists near-ties below " + CLEAR);
    }

    /**
     * The Q8_0 file's numpy check is looser (MODELS.md: up to 2.3 logits off llama.cpp, so its margins move by
     * a few hundredths): every tight tie it lists is a near-tie of the reference forward too.
     */
    @Test
    void listsTheQ8FixturesTightNearTies() throws IOException {
        Golden g = Golden.load(Golden.NEW_ARCHS + "qwen35moe-mini-q8_0");
        JsonNode prompts = prompts("qwen35moe-mini-q8_0");
        int compared = 0;
        for (int p = 0; p < prompts.size(); p++) {
            Set<String> ours = reference(g, p, t -> true);
            for (JsonNode t : prompts.get(p).get("moe_router_near_ties").get("ties")) {
                String tie = t.get(0).asInt() + "/" + t.get(1).asInt();
                if (t.get(2).asDouble() < TIGHT) {
                    assertTrue(ours.contains(tie), "prompt " + p + ": listed tie " + tie + " not among " + ours);
                    compared++;
                }
            }
        }
        assertTrue(compared > 0, "the fixture lists near-ties below " + TIGHT);
    }

    /** "position/layer" of the reference forward's near-ties on prompt {@code p} that {@code keep} accepts. */
    private static Set<String> reference(Golden g, int p, Predicate<ReferenceNearTies.Tie> keep) throws IOException {
        Set<String> ours = new TreeSet<>();
        for (ReferenceNearTies.Tie t : ReferenceNearTies.of(Shared.model(g.modelFile()), g.runs().get(p))) {
            if (keep.test(t)) {
                ours.add(t.position() + "/" + t.layer());
            }
        }
        return ours;
    }

    private static JsonNode prompts(String model) throws IOException {
        return new ObjectMapper().readTree(Shared.fixture(Golden.NEW_ARCHS + "generate-" + model + ".json").toFile()).get("prompts");
    }

    @Test
    void theQ4KmGoldensTieIsListed() throws IOException {
        // MODELS.md gives this file no list (its numpy check cannot dequantise K-quants)
        Golden g = Golden.load(Golden.NEW_ARCHS + "qwen35moe-mini-q4_k_m");
        Golden.Run run = g.runs().get(2);
        List<ReferenceNearTies.Tie> ties = ReferenceNearTies.of(Shared.model(g.modelFile()), run);
        assertTrue(ReferenceNearTies.steps(ties, run).contains(15), () -> "prompt 2 steps with near-ties: " + ties);
        assertFalse(ties.isEmpty());
    }

    @Test
    void aDenseModelHasNoRouter() throws IOException {
        Golden g = Golden.load(Golden.NEW_ARCHS + "qwen35-mini-f16");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReferenceNearTies.of(Shared.model(g.modelFile()), g.runs().get(0)));
        assertTrue(e.getMessage().contains("has no experts"), e.getMessage());
    }
}
