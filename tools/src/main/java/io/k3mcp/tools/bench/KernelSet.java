package io.k3mcp.tools.bench;

import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.NativeKernels;
import io.k3mcp.kernels.ReferenceKernels;
import io.k3mcp.kernels.WorkerPlacement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kernels one benchmark configuration runs on: the native pool of {@code threads} pinned workers,
 * or the plain-Java reference (one thread; slow, for tests and for machines without the library).
 * Also measures read bandwidth on the same workers, so the roofline and the tokens/s share their cores.
 */
final class KernelSet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelSet.class);

    /** A bandwidth figure and how it was measured. */
    record Bandwidth(double gbs, String source) {
    }

    final Kernels kernels;
    final String backend;
    final List<Integer> placement;
    final boolean placementOk;

    private KernelSet(Kernels kernels, String backend, List<Integer> placement, boolean placementOk) {
        this.kernels = kernels;
        this.backend = backend;
        this.placement = placement;
        this.placementOk = placementOk;
    }

    static KernelSet open(Backend choice, int threads, int[] cpus) {
        boolean nativeOk = NativeKernels.available().available();
        if (choice == Backend.NATIVE && !nativeOk) {
            throw new IllegalStateException("native kernels requested but unavailable: " + NativeKernels.available().reason());
        }
        if (choice == Backend.REFERENCE || !nativeOk) {
            if (choice == Backend.AUTO) {
                LOG.warn("native kernels unavailable ({}); benchmarking the plain-Java reference kernels",
                        NativeKernels.available().reason());
            }
            return new KernelSet(ReferenceKernels.INSTANCE, "reference", List.of(), true);
        }
        NativeKernels k = NativeKernels.open(threads, cpus.length == 0 ? null : cpus, null);
        List<Integer> where = new ArrayList<>();
        boolean ok = true;
        for (WorkerPlacement p : k.placement()) {
            where.add(p.actualCpu());
            ok &= p.placedAsRequested();
        }
        return new KernelSet(k, k.name(), List.copyOf(where), ok);
    }

    /**
     * A streaming read of one buffer of {@code bytes} bytes on this set's workers, allocated once and read on demand
     * (the runner reads it between a tg test's repetitions, so the buffer, 256 MiB by default, stays for the tests).
     */
    Probe probe(long bytes, int threads) {
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.toIntExact(bytes + 64)).alignedSlice(32);
        buf = buf.slice(0, (int) (bytes / 64 * 64));
        for (int i = 0; i < buf.capacity(); i += 4096) {
            buf.put(i, (byte) i); // touch every page so the probe reads memory, not the zero page
        }
        return new Probe(buf, threads);
    }

    /** The read-bandwidth probe's buffer; each {@link #read} streams it again. */
    final class Probe {
        private final ByteBuffer buf;
        private final int threads;

        private Probe(ByteBuffer buf, int threads) {
            this.buf = buf;
            this.threads = threads;
        }

        /** The best of {@code reps} reads of the whole buffer. */
        Bandwidth read(int reps) {
            if (kernels instanceof NativeKernels n) {
                return new Bandwidth(n.readBandwidthGBps(buf, reps), "native-pool");
            }
            return new Bandwidth(javaReadBandwidth(buf, reps, threads), "java-fallback");
        }
    }

    /** The Java fallback: {@code threads} plain threads summing their share of the buffer as longs. */
    static double javaReadBandwidth(ByteBuffer buf, int reps, int threads) {
        int n = Math.max(1, threads);
        int share = buf.capacity() / n / 8 * 8;
        double best = 0;
        AtomicLong sink = new AtomicLong();
        for (int r = 0; r < reps; r++) {
            Thread[] ts = new Thread[n];
            long start = System.nanoTime();
            for (int t = 0; t < n; t++) {
                ByteBuffer part = buf.slice(t * share, share).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                ts[t] = new Thread(() -> {
                    long s = 0;
                    for (int i = 0; i < share; i += 8) {
                        s += part.getLong(i);
                    }
                    sink.addAndGet(s);
                }, "k3mcp-bandwidth-" + t);
                ts[t].start();
            }
            for (Thread t : ts) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("bandwidth probe interrupted", e);
                }
            }
            double sec = (System.nanoTime() - start) / 1e9;
            best = Math.max(best, (double) share * n / sec / 1e9);
        }
        LOG.debug("java bandwidth probe checksum={}", sink.get());
        return best;
    }

    @Override
    public void close() {
        kernels.close();
    }
}
