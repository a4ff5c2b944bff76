package io.k3mcp.tools.bench;

import io.k3mcp.engine.session.ContextSizeException;
import io.k3mcp.kernels.FlashAttention;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** llama-bench's -d: tests after D tokens in the cache, named "tg4 @ d24", with n_depth in every format. */
class BenchDepthTest {

    /** Records what the runner asks of the model; the cache can resume at what it holds. */
    private static final class Recording implements BenchTarget {
        final List<String> calls = new ArrayList<>();
        int[] held = new int[0];

        @Override
        public void reset() {
            calls.add("reset");
            held = new int[0];
        }

        @Override
        public boolean rewind(int[] tokens) {
            boolean ok = held.length >= tokens.length && Arrays.equals(Arrays.copyOf(held, tokens.length), tokens);
            calls.add("rewind " + tokens.length + " " + ok);
            if (ok) {
                held = tokens.clone();
            }
            return ok;
        }

        @Override
        public void checkpoint() {
            calls.add("checkpoint");
        }

        @Override
        public void prefill(int[] tokens) {
            calls.add("prefill " + tokens.length);
            int[] all = Arrays.copyOf(held, held.length + tokens.length);
            System.arraycopy(tokens, 0, all, held.length, tokens.length);
            held = all;
        }

        @Override
        public int decode(int token) {
            calls.add("decode");
            held = Arrays.copyOf(held, held.length + 1);
            held[held.length - 1] = token;
            return 0;
        }

        @Override
        public int vocabSize() {
            return 100;
        }

        @Override
        public int bos() {
            return 1;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theDepthIsPrefilledOnceUntimedAndKeptForLaterRepetitions() {
        Recording t = new Recording();
        int[] depth = new int[24];
        Arrays.fill(depth, 7);
        depth[0] = 1;
        BenchRunner.runOnce(t, new Random(1), 0, 2, depth);
        BenchRunner.runOnce(t, new Random(1), 0, 2, depth);
        assertEquals(List.of("rewind 24 false", "reset", "prefill 24", "checkpoint", "decode", "decode", "rewind 24 true", "decode",
                "decode"),
                t.calls);
        assertEquals(26, t.held.length, "the depth's tokens and the test's");
        t.calls.clear();
        BenchRunner.runOnce(t, new Random(1), 8, 0, new int[0]);
        assertEquals(List.of("reset", "prefill 8"), t.calls, "without depth every repetition starts from an empty cache");
    }

    @Test
    void rowsAtDepthOnTheTinyModel(@TempDir Path tmp) throws IOException {
        Path cpuinfo = Files.writeString(tmp.resolve("cpuinfo"), "processor\t: 0\nmodel name\t: Test CPU 3000\n");
        BenchRunner runner = new BenchRunner(new BoardReader(Files.createDirectories(tmp.resolve("no-sysfs"))), cpuinfo);
        BenchConfig cfg = new BenchConfig(TinyModel.q8(), null, List.of(1), List.of(8), List.of(4), 2, null, false,
                Backend.REFERENCE, 1 << 20, null, 0, List.of(0, 24), 0, GgmlType.F16, FlashAttention.AUTO);
        BenchResult r = runner.run(cfg, (d, total, m) -> { }, Cancellation.none());
        assertEquals(List.of("pp8", "tg4", "pp8 @ d24", "tg4 @ d24"), r.rows().stream().map(BenchRow::test).toList());
        assertEquals(List.of(0, 0, 24, 24), r.rows().stream().map(BenchRow::nDepth).toList());
        assertEquals(24, Json.tree(r.rows().get(3)).get("n_depth").asInt());
        assertTrue(BenchFormats.format("md", r).contains("| tg4 @ d24 |"));
        assertTrue(BenchFormats.format("csv", r).lines().findFirst().orElseThrow().contains(",n_gen,n_depth,"));
        assertTrue(BenchFormats.format("jsonl", r).lines().allMatch(l -> l.contains("\"n_depth\":")));
        assertTrue(BenchFormats.format("json", r).contains("\"n_depth\" : 24"));
    }

    @Test
    void interleaveTakesEachTestsRepetitionsInTurnAcrossTheDepthsAndKeepsThePlainRows(@TempDir Path tmp) throws IOException {
        Path cpuinfo = Files.writeString(tmp.resolve("cpuinfo"), "processor\t: 0\nmodel name\t: Test CPU 3000\n");
        BenchRunner runner = new BenchRunner(new BoardReader(Files.createDirectories(tmp.resolve("no-sysfs"))), cpuinfo);
        List<String> plainSteps = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        BenchResult plain = runner.run(depths(false), (d, total, m) -> plainSteps.add(m), Cancellation.none());
        BenchResult r = runner.run(depths(true), (d, total, m) -> steps.add(m), Cancellation.none());
        assertEquals(List.of("tg3 threads=1 warm-up", "tg3 threads=1 repetition 1/3", "tg3 threads=1 repetition 2/3",
                "tg3 threads=1 repetition 3/3", "tg3 @ d24 threads=1 warm-up", "tg3 @ d24 threads=1 repetition 1/3",
                "tg3 @ d24 threads=1 repetition 2/3", "tg3 @ d24 threads=1 repetition 3/3"),
                plainSteps.stream().filter(m -> m.startsWith("tg3")).toList(), "without interleave a depth's repetitions follow one another");
        assertEquals(List.of("tg3 threads=1 warm-up", "tg3 @ d24 threads=1 warm-up",
                "tg3 threads=1 repetition 1/3", "tg3 @ d24 threads=1 repetition 1/3",
                "tg3 threads=1 repetition 2/3", "tg3 @ d24 threads=1 repetition 2/3",
                "tg3 threads=1 repetition 3/3", "tg3 @ d24 threads=1 repetition 3/3"),
                steps.stream().filter(m -> m.startsWith("tg3")).toList());
        assertEquals(plain.rows().stream().map(BenchRow::test).toList(), r.rows().stream().map(BenchRow::test).toList());
        assertEquals(List.of("pp5", "tg3", "pp5 @ d24", "tg3 @ d24"), r.rows().stream().map(BenchRow::test).toList());
        assertTrue(r.rows().stream().allMatch(row -> row.samplesTs().size() == 3 && row.avgTs() > 0), r.rows().toString());
        assertEquals(plain.rows().get(3).kvBytesPerToken(), r.rows().get(3).kvBytesPerToken());
    }

    private static BenchConfig depths(boolean interleave) throws IOException {
        return new BenchConfig(TinyModel.q8(), null, List.of(1), List.of(5), List.of(3), 3, null, false, Backend.REFERENCE,
                1 << 20, null, 0, List.of(0, 24), 0, GgmlType.F16, FlashAttention.AUTO, List.of(), false, interleave);
    }

    @Test
    void interleaveNeedsTwoDepthsOfPpOrTgTests() throws IOException {
        for (List<Integer> depths : List.of(List.of(0), List.of(24, 24))) {
            String e = assertThrows(IllegalArgumentException.class, () -> new BenchConfig(TinyModel.q8(), null, List.of(1),
                    List.of(5), List.of(3), 1, null, false, Backend.REFERENCE, 1 << 20, null, 0, depths, 0, GgmlType.F16,
                    FlashAttention.AUTO, List.of(), false, true)).getMessage();
            assertTrue(e.startsWith("interleave: ") && e.contains("at least two different depths"), e);
        }
        String serving = assertThrows(IllegalArgumentException.class, () -> new BenchConfig(TinyModel.q8(), null, List.of(1),
                List.of(5), List.of(3), 1, null, false, Backend.REFERENCE, 1 << 20, null, 0, List.of(0, 8), 0, GgmlType.F16,
                FlashAttention.AUTO, List.of(2), false, true)).getMessage();
        assertTrue(serving.startsWith("interleave: "), serving);
    }

    @Test
    void theContextIsTheLargestTestUnlessGivenAndAGivenOneMustFit() throws IOException {
        BenchConfig sized = new BenchConfig(TinyModel.q8(), null, List.of(1), List.of(8), List.of(4), 1, null, false,
                Backend.REFERENCE, 1 << 20, null, 0, List.of(0, 100), 0, GgmlType.F16, FlashAttention.AUTO);
        assertEquals(100 + 8 + 8, BenchRunner.context(sized, 4096));
        // past the trained context by default, as llama-bench's n_ctx = n_prompt + n_gen + n_depth
        assertEquals(116, BenchRunner.context(sized, 64));
        BenchConfig given = new BenchConfig(TinyModel.q8(), null, List.of(1), List.of(8), List.of(4), 1, null, false,
                Backend.REFERENCE, 1 << 20, null, 0, List.of(100), 200, GgmlType.F16, FlashAttention.AUTO);
        assertEquals(200, BenchRunner.context(given, 4096));
        String past = assertThrows(ContextSizeException.class, () -> BenchRunner.context(given, 128)).getMessage();
        assertTrue(past.contains("context size 200 is past the model's trained context of 128 tokens"), past);
        String small = assertThrows(IllegalArgumentException.class, () -> new BenchConfig(TinyModel.q8(), null, List.of(1),
                List.of(8), List.of(4), 1, null, false, Backend.REFERENCE, 1 << 20, null, 0, List.of(100), 50, GgmlType.F16, FlashAttention.AUTO)).getMessage();
        assertTrue(small.contains("ctx_size: 50 is below the 108 tokens"), small);
        String negative = assertThrows(IllegalArgumentException.class, () -> new BenchConfig(TinyModel.q8(), null, List.of(1),
                List.of(8), List.of(4), 1, null, false, Backend.REFERENCE, 1 << 20, null, 0, List.of(-1), 0, GgmlType.F16, FlashAttention.AUTO)).getMessage();
        assertTrue(negative.contains("n_depth"), negative);
    }
}
