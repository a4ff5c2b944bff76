package io.k3mcp.kernels.bench;

import io.k3mcp.kernels.AiPlacement;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.NativeKernels;
import io.k3mcp.kernels.PackedWeights;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Kernel microbenchmark (not a test): decode matmul GB/s per weight type at TinyLlama-1.1B shapes, and the
 * read bandwidth the same pool reaches on a streaming 256-bit read of 1 GiB, so each matmul figure can be
 * stated as a fraction of the memory roofline. {@link #measure} returns records for the CLI; {@link #main}
 * prints them to stderr (stdout belongs to the MCP transport in this project).
 *
 * <p>Usage: {@code KernelBench [--threads N] [--cpus 0,1] [--types Q4_0,Q8_0] [--seconds S] [--tokens T]
 * [--shapes 151936x2048,...]}
 */
public final class KernelBench {
    /** TinyLlama-1.1B matmul shapes (rows x cols): attention q/o, ffn gate/up, ffn down, output. */
    public static final int[][] SHAPES = {{2048, 2048}, {5632, 2048}, {2048, 5632}, {32000, 2048}};
    public static final List<GgmlType> DEFAULT_TYPES = List.of(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K,
        GgmlType.Q6_K, GgmlType.F16);
    private static final long PROBE_BYTES = 1L << 30;
    /**
     * The weights every shape's calls rotate through: several times any last-level cache, so a call reads its
     * matrix from memory as a model's decode step does (one matrix of a smaller buffer stays partly cached
     * between calls and reads faster than memory can deliver).
     */
    private static final long MIN_WEIGHT_BYTES = 512L << 20;

    /**
     * One matmul measurement: weight bytes read per call / best time of a call, in the file's layout and,
     * where the kernels have one on this CPU, the packed layout the engine multiplies (0 when none).
     */
    public record MatmulResult(GgmlType type, int rows, int cols, int tokens, long weightBytes, double bestSeconds,
                               double packedBestSeconds) {
        public double gbPerSecond() {
            return weightBytes / bestSeconds / 1e9;
        }

        public double packedGbPerSecond() {
            return packedBestSeconds == 0 ? 0 : weightBytes / packedBestSeconds / 1e9;
        }
    }

    /**
     * @param readBandwidthGBps      1 GiB streamed, best of 5 (the llama.cpp reference's method)
     * @param chunkReadBandwidthGBps best 64 MiB chunk of those reads: the matmul figures are also best-of-many
     *                               short calls, so on a shared machine this is the fairer roofline
     */
    public record Report(String kernels, int threads, double readBandwidthGBps, double chunkReadBandwidthGBps,
                         List<MatmulResult> matmuls) {
    }

    private KernelBench() {
    }

    /** Runs every type at every shape on a fresh pool; {@code seconds} of timed calls per measurement. */
    public static Report measure(int threads, int[] cpus, List<GgmlType> types, double seconds, int tokens) {
        return measure(threads, cpus, types, seconds, tokens, SHAPES);
    }

    /** As above, over the given shapes (rows x cols). */
    public static Report measure(int threads, int[] cpus, List<GgmlType> types, double seconds, int tokens,
                                 int[][] shapes) {
        try (NativeKernels nk = NativeKernels.open(threads, cpus, null, AiPlacement.AUTO)) {
            ByteBuffer probe = alignedBytes(PROBE_BYTES);
            fill(probe);
            nk.readBandwidthGBps(probe, 1);
            double bandwidth = nk.readBandwidthGBps(probe, 5);
            double chunkBandwidth = 0;
            long chunk = 64L << 20;
            for (long off = 0; off + chunk <= PROBE_BYTES; off += chunk) {
                chunkBandwidth = Math.max(chunkBandwidth, nk.readBandwidthGBps(Buffers.slice(probe, off, chunk), 3));
            }
            probe = null;
            long maxBytes = MIN_WEIGHT_BYTES;
            int maxRows = 0;
            int maxCols = 0;
            for (int[] s : shapes) {
                maxRows = Math.max(maxRows, s[0]);
                maxCols = Math.max(maxCols, s[1]);
                for (GgmlType t : types) {
                    maxBytes = Math.max(maxBytes, 2 * t.bytesFor((long) s[0] * s[1]));
                }
            }
            ByteBuffer weights = Buffers.bytes(maxBytes);
            fill(weights);
            FloatBuffer x = Buffers.floats(maxCols * tokens);
            for (int i = 0; i < x.capacity(); i++) {
                x.put(i, (float) Math.sin(i));
            }
            FloatBuffer y = Buffers.floats(maxRows * tokens);
            List<MatmulResult> results = new ArrayList<>();
            for (GgmlType t : types) {
                sanitizeScales(weights, t);
                java.util.Map<Integer, PackedWeights> packedByCols = new java.util.HashMap<>();
                for (int[] s : shapes) {
                    MatmulResult file = time(nk, t, weights, s[0], s[1], x, y, tokens, seconds);
                    PackedWeights all = packedByCols.computeIfAbsent(s[1], cols -> packWhole(nk, t, weights, cols));
                    results.add(new MatmulResult(t, s[0], s[1], tokens, file.weightBytes(), file.bestSeconds(),
                        all == null || s[0] % 8 != 0 ? 0 : timePacked(nk, all, weights, s[0], x, y, tokens, seconds)));
                }
            }
            return new Report(nk.name(), threads, bandwidth, chunkBandwidth, List.copyOf(results));
        }
    }

    private static MatmulResult time(NativeKernels nk, GgmlType t, ByteBuffer w, int rows, int cols, FloatBuffer x,
                                     FloatBuffer y, int tokens, double seconds) {
        long bytes = t.bytesFor((long) rows * cols);
        // rotate through the buffer so consecutive calls do not hit the same (cached) weights
        long span = w.capacity() / bytes;
        for (int i = 0; i < 3; i++) {
            nk.matmul(t, w, rows, cols, x, y, tokens);
        }
        double best = Double.MAX_VALUE;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int call = 0;
        do {
            ByteBuffer slice = Buffers.slice(w, (call++ % span) * bytes, bytes);
            long t0 = System.nanoTime();
            nk.matmul(t, slice, rows, cols, x, y, tokens);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        } while (System.nanoTime() < end);
        return new MatmulResult(t, rows, cols, tokens, bytes, best, 0);
    }

    /** The whole buffer packed as one tall matrix of {@code cols} columns, or null without a packed layout. */
    private static PackedWeights packWhole(NativeKernels nk, GgmlType t, ByteBuffer w, int cols) {
        int allRows = (int) (w.capacity() / t.bytesFor(cols) / 8 * 8);
        return nk.pack(t, w, allRows, cols);
    }

    /**
     * The same rotation over the packed layout: a slice of whole row groups of the packed tall matrix is
     * the packed form of the matching rows of the file-layout buffer.
     */
    private static double timePacked(NativeKernels nk, PackedWeights all, ByteBuffer w, int rows, FloatBuffer x,
                                     FloatBuffer y, int tokens, double seconds) {
        GgmlType t = all.type();
        int cols = all.cols();
        int allRows = all.rows();
        long bytes = t.bytesFor(cols) * rows;
        long packedBytes = all.data().capacity() / (allRows / 8) * (rows / 8);
        int span = allRows / rows;
        double best = Double.MAX_VALUE;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int call = 0;
        do {
            int k = call++ % span;
            PackedWeights p = new PackedWeights(all.layout(), t, Buffers.slice(all.data(), k * packedBytes, packedBytes),
                Buffers.slice(w, k * bytes, bytes), rows, cols);
            long t0 = System.nanoTime();
            nk.matmulPacked(p, x, y, tokens);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        } while (System.nanoTime() < end);
        return best;
    }

    /** Pseudo-random bytes, fast (a 64-bit xorshift per 8 bytes). */
    private static void fill(ByteBuffer b) {
        long s = 0x9E3779B97F4A7C15L;
        int n = b.capacity() / 8;
        for (int i = 0; i < n; i++) {
            s ^= s << 13;
            s ^= s >>> 7;
            s ^= s << 17;
            b.putLong(i * 8, s);
        }
    }

    /** Puts a small finite scale into every block so no NaN or infinity slows the float path. */
    private static void sanitizeScales(ByteBuffer w, GgmlType t) {
        short half = 0x2000; // fp16 ~0.0078
        int blocks = (int) (w.capacity() / t.typeSize);
        switch (t) {
            case Q4_0, Q8_0, Q5_0, IQ4_NL, IQ4_XS -> {
                for (int i = 0; i < blocks; i++) {
                    w.putShort(i * t.typeSize, half);
                }
            }
            case Q4_K, Q5_K -> {
                for (int i = 0; i < blocks; i++) {
                    w.putShort(i * t.typeSize, half);
                    w.putShort(i * t.typeSize + 2, half);
                }
            }
            case Q6_K -> {
                for (int i = 0; i < blocks; i++) {
                    w.putShort(i * t.typeSize + 208, half);
                }
            }
            case F16 -> {
                for (int i = 0; i < w.capacity() / 2; i++) {
                    w.putShort(i * 2, (short) (0x2000 + (i & 0x3ff)));
                }
            }
            default -> {
                // other types: random bytes are fine for timing
            }
        }
    }

    private static ByteBuffer alignedBytes(long n) {
        ByteBuffer raw = Buffers.bytes(n + 64);
        long address = com.sun.jna.Pointer.nativeValue(com.sun.jna.Native.getDirectBufferPointer(raw));
        int pad = (int) ((64 - (address & 63)) & 63);
        return Buffers.slice(raw, pad, n);
    }

    /** The report as a table. */
    public static void print(Report r, PrintStream out) {
        out.printf(Locale.ROOT, "kernels %s, %d threads; read bandwidth with 256-bit loads: %.2f GB/s (1 GiB, best of 5),"
            + " %.2f GB/s (best 64 MiB chunk)%n", r.kernels(), r.threads(), r.readBandwidthGBps(), r.chunkReadBandwidthGBps());
        out.printf(Locale.ROOT, "%-6s %14s %6s %10s %9s %8s %8s %12s %8s%n", "type", "shape", "tokens", "MB", "GB/s", "of 1GiB",
            "of chunk", "packed GB/s", "of 1GiB");
        for (MatmulResult m : r.matmuls()) {
            String packed = m.packedBestSeconds() == 0 ? String.format(Locale.ROOT, "%12s %8s", "-", "-")
                : String.format(Locale.ROOT, "%12.2f %7.0f%%", m.packedGbPerSecond(), 100 * m.packedGbPerSecond() / r.readBandwidthGBps());
            out.printf(Locale.ROOT, "%-6s %14s %6d %10.1f %9.2f %7.0f%% %7.0f%% %s%n", m.type(), m.rows() + "x" + m.cols(), m.tokens(),
                m.weightBytes() / 1e6, m.gbPerSecond(), 100 * m.gbPerSecond() / r.readBandwidthGBps(),
                100 * m.gbPerSecond() / r.chunkReadBandwidthGBps(), packed);
        }
    }

    public static void main(String[] args) {
        int threads = 2;
        int[] cpus = null;
        List<GgmlType> types = DEFAULT_TYPES;
        double seconds = 1.0;
        int tokens = 1;
        int[][] shapes = SHAPES;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--cpus" -> cpus = java.util.Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--types" -> types = java.util.Arrays.stream(args[i + 1].split(",")).map(GgmlType::valueOf).toList();
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--tokens" -> tokens = Integer.parseInt(args[i + 1]);
                case "--shapes" -> shapes = parseShapes(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                    + " (use --threads, --cpus, --types, --seconds, --tokens, --shapes)");
            }
        }
        print(measure(threads, cpus, types, seconds, tokens, shapes), System.err);
    }

    /** "ROWSxCOLS,..." (rows a multiple of 8 for the packed layouts, columns of whole blocks). */
    static int[][] parseShapes(String text) {
        return java.util.Arrays.stream(text.split(",")).map(shape -> {
            String[] p = shape.trim().split("x", -1);
            int rows;
            int cols;
            try {
                if (p.length != 2) {
                    throw new NumberFormatException("not two numbers");
                }
                rows = Integer.parseInt(p[0]);
                cols = Integer.parseInt(p[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--shapes: '" + shape + "' is not ROWSxCOLS (e.g. 151936x2048)", e);
            }
            if (rows <= 0 || cols <= 0 || cols % 256 != 0) {
                throw new IllegalArgumentException("--shapes: '" + shape + "' needs positive rows and columns a multiple of 256");
            }
            return new int[] {rows, cols};
        }).toArray(int[][]::new);
    }
}
