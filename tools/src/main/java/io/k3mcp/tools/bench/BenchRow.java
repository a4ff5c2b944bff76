package io.k3mcp.tools.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * One test result with llama-bench's JSON field names (the record components map to snake_case:
 * modelFilename -> model_filename) plus k3mcp's own: the test name, where the workers ran, the
 * memory bandwidth and the roofline for token generation, and the board's thermal context.
 *
 * @param nDepth           tokens in the cache before the test ran (llama-bench's n_depth)
 * @param flashAttn        llama-bench's flash_attn: -1 auto (the tiled kernel from 512 keys on), 0 off, 1 on
 * @param test             "pp128", "tg64", "tg64 @ d4096", as llama-bench's table prints it
 * @param cores            the cpus asked for ("" when not pinned)
 * @param placement        the cpus the workers read back after pinning, worker by worker
 * @param placementOk      every worker sits where it was asked to
 * @param bandwidthGbs     read bandwidth measured on the same pool (GB/s, 1e9 bytes): for a tg row the mean of one
 *                         read after each timed repetition, for the others the best of five before the tests
 * @param bandwidthSource  "native-pool" (the kernels' workers) or "java-fallback"
 * @param weightBytesPerToken bytes of weights a single-token decode reads
 * @param kvBytesPerToken  bytes of KV-cache rows a decoded token reads, on average over the test's positions (tg
 *                         rows; null for pp)
 * @param rooflineTs       bandwidth / (weight + KV bytes per token) (tg rows; null for pp)
 * @param rooflineFraction avg_ts / roofline_ts (tg rows; null for pp)
 */
public record BenchRow(
        String modelFilename, String modelType, long modelSize, @JsonProperty("model_n_params") long modelNParams,
        int nThreads, int nPrompt, int nGen, int nDepth, int nBatch, int nUbatch, String typeK, String typeV, int flashAttn,
        String cpuInfo, String testTime,
        long avgNs, long stddevNs, double avgTs, double stddevTs, List<Long> samplesNs, List<Double> samplesTs,
        String test, String backend, String cores, List<Integer> placement, boolean placementOk,
        Double bandwidthGbs, String bandwidthSource, long weightBytesPerToken, Long kvBytesPerToken, Double rooflineTs,
        Double rooflineFraction, ThermalSummary thermal) {

    /** Tokens this test processes: n_prompt for pp, n_gen for tg. */
    public int nTokens() {
        return nPrompt > 0 ? nPrompt : nGen;
    }
}
