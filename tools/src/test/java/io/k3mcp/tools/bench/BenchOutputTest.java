package io.k3mcp.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.tools.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** md/json/jsonl/csv renderings, the history file and --compare, and the SVG chart, on hand-made rows. */
class BenchOutputTest {
    @TempDir
    Path tmp;

    static BenchRow row(String test, int threads, double... ts) {
        int n = test.startsWith("pp") ? Integer.parseInt(test.substring(2)) : Integer.parseInt(test.substring(2));
        boolean pp = test.startsWith("pp");
        List<Long> ns = java.util.Arrays.stream(ts).mapToObj(t -> Math.round(n * 1e9 / t)).toList();
        double[] tsd = Stats.tokensPerSecond(ns.stream().mapToLong(Long::longValue).toArray(), n);
        double[] nsd = ns.stream().mapToDouble(Long::doubleValue).toArray();
        Double roof = pp ? null : 40.0;
        return new BenchRow("m.gguf", "llama 1B Q4_0", 636_000_000L, 1_100_048_384L, threads, pp ? n : 0, pp ? 0 : n, 0, 512, 512,
                "f16", "f16", -1, "Test CPU", "2026-11-25T00:00:00Z", Math.round(Stats.mean(nsd)), Math.round(Stats.stddev(nsd)),
                Stats.mean(tsd), Stats.stddev(tsd), ns, java.util.Arrays.stream(tsd).boxed().toList(), test, "native-avx2", "0-1",
                List.of(0, 1), true, 20.0, "native-pool", 500_000_000L, pp ? null : 1_000_000L, roof, roof == null ? null : Stats.mean(tsd) / roof,
                new ThermalSummary(3, new ThermalSummary.Range(50, 51, 52), null, null));
    }

    static BenchResult result(double pp, double tg) {
        return new BenchResult("synthetic:tinyllama-1.1b:q4_0", List.of(row("pp128", 2, pp, pp * 1.1), row("tg64", 2, tg, tg * 0.9)),
                List.of(), null, List.of());
    }

    @Test
    void stddevIsTheSampleStandardDeviation() {
        assertEquals(Math.sqrt(2.5), Stats.stddev(new double[] {1, 2, 3, 4, 5}), 1e-12);
        assertEquals(0, Stats.stddev(new double[] {7}));
        assertEquals(3, Stats.mean(new double[] {1, 2, 3, 4, 5}));
    }

    @Test
    void markdownTableHasOneLinePerRowWithMeanAndDeviation() {
        String md = BenchFormats.format("md", result(50, 20));
        String[] lines = md.split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[0].startsWith("| model | size | params | backend | threads |"), lines[0]);
        assertTrue(lines[2].contains("| llama 1B Q4_0 | 606.54 MiB | 1.10 B | native-avx2 | 2 | 0-1 -> 0,1 | pp128 |"), lines[2]);
        assertTrue(lines[3].contains("tg64"), lines[3]);
        assertTrue(lines[3].matches(".*\\| \\d+\\.\\d\\d ± \\d+\\.\\d\\d \\|.*"), lines[3]);
    }

    @Test
    void jsonIsAnArrayOfRowsAndJsonlOneRowPerLine() throws Exception {
        BenchResult r = result(50, 20);
        JsonNode arr = Json.MAPPER.readTree(BenchFormats.format("json", r));
        assertTrue(arr.isArray());
        assertEquals(2, arr.size());
        for (String f : BenchFormats.CONTRACT_FIELDS) {
            assertTrue(arr.get(1).has(f), f);
        }
        assertTrue(arr.get(0).get("roofline_ts").isNull());
        assertEquals(40.0, arr.get(1).get("roofline_ts").asDouble());
        String[] lines = BenchFormats.format("jsonl", r).split("\n");
        assertEquals(2, lines.length);
        assertEquals("tg64", Json.MAPPER.readTree(lines[1]).get("test").asText());
    }

    @Test
    void csvHasAHeaderOfEveryFieldAndQuotesNestedValues() {
        String[] lines = BenchFormats.format("csv", result(50, 20)).split("\n");
        assertEquals(3, lines.length);
        List<String> header = List.of(lines[0].split(","));
        assertTrue(header.containsAll(BenchFormats.CONTRACT_FIELDS), lines[0]);
        assertTrue(lines[1].contains("\"[") && lines[1].contains("]\""), lines[1]);
        assertTrue(lines[1].startsWith("\"m.gguf\",\"llama 1B Q4_0\",636000000,1100048384,2,128,0,"), lines[1]);
        assertTrue(lines[1].contains(",\"native-pool\",500000000,,,,\"{"), "null KV and roofline cells stay empty: " + lines[1]);
    }

    @Test
    void unknownFormatIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> BenchFormats.format("xml", result(1, 1)));
    }

    @Test
    void historyAppendsAndComparesWithThePreviousRunOfTheSameConfiguration() throws Exception {
        BenchHistory h = new BenchHistory(tmp.resolve("data/k3mcp/bench-history.jsonl"));
        assertNull(h.previous("a"));
        h.append("a", result(50, 20));
        h.append("b", result(10, 10));
        h.append("a", result(60, 25));
        Files.writeString(h.file(), "not json\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(4, Files.readAllLines(h.file()).size());
        JsonNode prev = h.previous("a");
        assertEquals(60 * (1 + 1.1) / 2, prev.path("result").path("rows").get(0).path("avg_ts").asDouble(), 1e-6);
        List<BenchResult.Comparison> cmp = BenchHistory.compare(prev, result(30, 25));
        assertEquals(2, cmp.size());
        BenchResult.Comparison pp = cmp.get(0);
        assertEquals("pp128", pp.test());
        assertEquals(100 * (pp.currentTs() - pp.previousTs()) / pp.previousTs(), pp.changePercent(), 1e-9);
        assertEquals(-50, pp.changePercent(), 0.5);
        assertTrue(BenchmarkTool.comparisonText(result(1, 1).withHistory(null, cmp)).contains("pp128 threads=2"));
        assertTrue(BenchHistory.compare(null, result(1, 1)).isEmpty());
        // the last run with matching tests is used, skipping a later one with other tests
        BenchResult other = new BenchResult("x", List.of(row("pp32", 2, 5, 5)), List.of(), null, List.of());
        h.append("a", other);
        List<BenchResult.Comparison> skip = h.compareWithPrevious("a", result(30, 25));
        assertEquals(2, skip.size());
        assertEquals(60 * (1 + 1.1) / 2, skip.get(0).previousTs(), 1e-6);
        assertTrue(h.compareWithPrevious("zzz", result(30, 25)).isEmpty());
    }

    @Test
    void chartIsWellFormedSvgWithOneBarPerRow() throws Exception {
        BenchResult r = new BenchResult("m & <x>", List.of(row("pp128", 1, 30, 31), row("pp128", 2, 50, 55), row("tg64", 1, 10, 11),
                row("tg64", 2, 18, 17)), List.of(), null, List.of());
        String svg = BenchChart.svg(r);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        int bars = 0;
        for (int i = 0; i < doc.getElementsByTagName("rect").getLength(); i++) {
            if (doc.getElementsByTagName("rect").item(i).getChildNodes().getLength() > 0) {
                bars++;
            }
        }
        assertEquals(4, bars);
        assertTrue(svg.contains("m &amp; &lt;x&gt;"));
        assertTrue(svg.contains("2 threads"));
    }
}
