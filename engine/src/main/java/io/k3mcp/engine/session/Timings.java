package io.k3mcp.engine.session;

/** Wall-clock time of the prompt pass and of the token-by-token decode, with their throughputs (tokens/s). */
public record Timings(double prefillMs, double decodeMs, double prefillTps, double decodeTps) {

    static Timings of(long prefillNanos, int prefillTokens, long decodeNanos, int decodeTokens) {
        return new Timings(prefillNanos / 1e6, decodeNanos / 1e6, rate(prefillTokens, prefillNanos), rate(decodeTokens, decodeNanos));
    }

    private static double rate(int tokens, long nanos) {
        return nanos <= 0 ? 0.0 : tokens / (nanos / 1e9);
    }
}
