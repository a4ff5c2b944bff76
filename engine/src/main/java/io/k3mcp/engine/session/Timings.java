package io.k3mcp.engine.session;

/**
 * Wall-clock time of the prompt pass and of the token-by-token decode, with their throughputs (tokens/s).
 *
 * @param promptReused prompt tokens whose memory was reused (a slot's own or the prefix cache's), not prefilled again
 */
public record Timings(double prefillMs, double decodeMs, double prefillTps, double decodeTps, int promptReused) {

    static Timings of(long prefillNanos, int prefillTokens, long decodeNanos, int decodeTokens, int promptReused) {
        return new Timings(prefillNanos / 1e6, decodeNanos / 1e6, rate(prefillTokens, prefillNanos), rate(decodeTokens, decodeNanos),
                promptReused);
    }

    private static double rate(int tokens, long nanos) {
        return nanos <= 0 ? 0.0 : tokens / (nanos / 1e9);
    }
}
