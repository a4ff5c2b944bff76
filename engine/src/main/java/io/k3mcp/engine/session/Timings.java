package io.k3mcp.engine.session;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Wall-clock time of the prompt pass and of the token-by-token decode, with their throughputs (tokens/s).
 *
 * @param promptReused prompt tokens whose memory was reused (a slot's own or the prefix cache's), not prefilled again
 * @param speculationAccepted the fraction of prompt-lookup draft tokens accepted; null when nothing was drafted
 */
public record Timings(double prefillMs, double decodeMs, double prefillTps, double decodeTps, int promptReused,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Double speculationAccepted) {

    static Timings of(long prefillNanos, int prefillTokens, long decodeNanos, int decodeTokens, int promptReused,
                      int drafted, int accepted) {
        return new Timings(prefillNanos / 1e6, decodeNanos / 1e6, rate(prefillTokens, prefillNanos), rate(decodeTokens, decodeNanos),
                promptReused, drafted == 0 ? null : accepted / (double) drafted);
    }

    private static double rate(int tokens, long nanos) {
        return nanos <= 0 ? 0.0 : tokens / (nanos / 1e9);
    }
}
