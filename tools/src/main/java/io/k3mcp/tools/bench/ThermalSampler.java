package io.k3mcp.tools.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the board on a daemon thread while a test runs (one reading at start, then every
 * {@code periodMs}, one at stop) and summarises the readings as min/avg/max.
 */
final class ThermalSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ThermalSampler.class);
    private static final int MAX = 100_000;

    private final BoardReader reader;
    private final double[] temp = new double[MAX];
    private final double[] mhz = new double[MAX];
    private final double[] fan = new double[MAX];
    private int nTemp;
    private int nMhz;
    private int nFan;
    private int samples;
    private final Thread thread;
    private volatile boolean running = true;

    ThermalSampler(BoardReader reader, long periodMs) {
        this.reader = reader;
        sample();
        this.thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                sample();
            }
        }, "k3mcp-bench-thermal");
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized void sample() {
        if (samples >= MAX) {
            return;
        }
        BoardReader.Reading r = reader.read();
        samples++;
        if (!Double.isNaN(r.maxTempC())) {
            temp[nTemp++] = r.maxTempC();
        }
        if (!Double.isNaN(r.cpuMhz())) {
            mhz[nMhz++] = r.cpuMhz();
        }
        if (!Double.isNaN(r.fanRpm())) {
            fan[nFan++] = r.fanRpm();
        }
    }

    /** Stops sampling (taking a last reading) and returns the summary. */
    synchronized ThermalSummary stop() {
        running = false;
        thread.interrupt();
        sample();
        return new ThermalSummary(samples, ThermalSummary.Range.of(temp, nTemp), ThermalSummary.Range.of(mhz, nMhz),
                ThermalSummary.Range.of(fan, nFan));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            LOG.debug("interrupted while stopping the thermal sampler");
            Thread.currentThread().interrupt();
        }
    }
}
