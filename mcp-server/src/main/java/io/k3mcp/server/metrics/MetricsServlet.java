package io.k3mcp.server.metrics;

import io.k3mcp.tools.InferenceMetrics;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: the server's inference metrics and the board's gauges, read now, in the
 * Prometheus text exposition format 0.0.4. Access rules (token, Origin) are the guard filter's, as for
 * the MCP endpoints.
 */
public final class MetricsServlet extends HttpServlet {
    private static final Logger log = LoggerFactory.getLogger(MetricsServlet.class);
    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private final transient InferenceMetrics inference;
    private final transient BoardMetrics board;

    public MetricsServlet(InferenceMetrics inference, BoardMetrics board) {
        this.inference = inference;
        this.board = board;
    }

    /** Everything one scrape returns, inference first. */
    public MetricSnapshots scrape() {
        List<MetricSnapshot> all = new ArrayList<>();
        inference.registry().scrape().forEach(all::add);
        board.collect().forEach(all::add);
        return new MetricSnapshots(all);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long started = System.nanoTime();
        // Written to a buffer first: a failure part-way must be a 500, not a truncated 200.
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        TEXT.write(body, scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        response.setStatus(200);
        response.setContentType(PrometheusTextFormatWriter.CONTENT_TYPE);
        response.setContentLength(body.size());
        body.writeTo(response.getOutputStream());
        log.debug("event=metrics_scrape bytes={} ms={}", body.size(), (System.nanoTime() - started) / 1_000_000);
    }
}
