package io.k3mcp.tools;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The inference counters of one server, in the spirit of llama-server's {@code --metrics}: tokens in
 * and out, calls running and waiting, prefill and decode seconds, each labelled by model and tool.
 * The engine-backed tools record into the instance the server gives them; {@code serve --metrics}
 * exposes its {@link #registry()}. One instance per server, never a process-wide singleton, so tests
 * and several servers in one JVM never see each other's counts.
 */
public final class InferenceMetrics {
    /** Prefill and decode of one call: from a few milliseconds (a short prompt) to minutes (a long turn). */
    static final double[] SECONDS_BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
    private static final String[] LABELS = {"model", "tool"};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter promptTokens = Counter.builder().name("k3mcp_prompt_tokens_total")
            .help("Prompt tokens processed (prefill; for embed, the tokens embedded).").labelNames(LABELS)
            .register(registry);
    private final Counter predictedTokens = Counter.builder().name("k3mcp_tokens_predicted_total")
            .help("Tokens generated.").labelNames(LABELS).register(registry);
    private final Counter requests = Counter.builder().name("k3mcp_requests_total")
            .help("Engine calls that ran to an end (any outcome).").labelNames(LABELS).register(registry);
    private final Gauge processing = Gauge.builder().name("k3mcp_requests_processing")
            .help("Engine calls running now.").labelNames(LABELS).register(registry);
    private final Gauge deferred = Gauge.builder().name("k3mcp_requests_deferred")
            .help("Generations waiting for one of their model's --parallel slots (at most 8 wait).").labelNames(LABELS)
            .register(registry);
    private final Histogram prefillSeconds = Histogram.builder().name("k3mcp_prefill_seconds")
            .help("Seconds each call spent on its prompt pass.").labelNames(LABELS).classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS).register(registry);
    private final Histogram decodeSeconds = Histogram.builder().name("k3mcp_decode_seconds")
            .help("Seconds each call spent generating tokens after the prompt.").labelNames(LABELS).classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS).register(registry);

    /** A gauge held up while something lasts; closing it puts the gauge back. */
    public interface Span extends AutoCloseable {
        @Override
        void close();
    }

    /** The metrics in Prometheus form, for the /metrics endpoint. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** The model label of a file: its name without ".gguf", lower case (qwen3-0.6b-q4_k_m). */
    public static String modelLabel(Path model) {
        String name = model.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".gguf") ? lower.substring(0, lower.length() - 5) : lower;
    }

    /** A call of {@code tool} on {@code model} runs until the span closes; then it counts as one request. */
    public Span processing(String tool, String model) {
        processing.labelValues(model, tool).inc();
        return () -> {
            processing.labelValues(model, tool).dec();
            requests.labelValues(model, tool).inc();
        };
    }

    /** A generation waits for its turn until the span closes. */
    public Span deferred(String tool, String model) {
        deferred.labelValues(model, tool).inc();
        return () -> deferred.labelValues(model, tool).dec();
    }

    /** A prompt pass of {@code tokens} tokens that took {@code seconds}. */
    public void prefill(String tool, String model, int tokens, double seconds) {
        promptTokens.labelValues(model, tool).inc(tokens);
        prefillSeconds.labelValues(model, tool).observe(seconds);
    }

    /** {@code tokens} generated tokens that took {@code seconds} after the prompt pass. */
    public void decode(String tool, String model, int tokens, double seconds) {
        predictedTokens.labelValues(model, tool).inc(tokens);
        decodeSeconds.labelValues(model, tool).observe(seconds);
    }
}
