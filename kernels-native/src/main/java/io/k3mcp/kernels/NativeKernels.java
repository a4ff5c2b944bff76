package io.k3mcp.kernels;

import static io.k3mcp.kernels.NativeArgs.addr;
import static io.k3mcp.kernels.NativeArgs.addrOrNull;
import static io.k3mcp.kernels.NativeArgs.check;
import static io.k3mcp.kernels.NativeArgs.outAddr;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Kernels} in C (libk3kernels, bound through JNA direct mapping) on a persistent pool of pinned
 * worker threads. One per process: {@link #shared} hands out the process's pool ({@link #open} makes a
 * private one, for tests and benchmarks); the pool's threads live until {@link #close}. Calls are serialised (the pool runs one kernel at a time); matmul and attention run on
 * the pool, and so do a batch's norms, RoPE and SwiGLU; the other row/element-wise ops run on the calling thread.
 *
 * <p>Arguments are checked against the buffers' capacities before any native call, so a wrong size is an
 * {@link IllegalArgumentException}, never a crash.
 */
public final class NativeKernels implements Kernels {
    private static final Logger LOG = LoggerFactory.getLogger(NativeKernels.class);

    private static NativeKernels shared;

    private final long pool;
    private final int threads;
    private final int[] cpus;
    private final List<WorkerPlacement> placement;
    /** k3k_ime_status at open (fixed once the workers' self-tests end): name() never touches the pool close() frees. */
    private final int ime;
    private boolean closed; // guarded by this: live() and close() run under the lock

    private NativeKernels(long pool, int threads, int[] cpus, List<WorkerPlacement> placement, int ime) {
        this.pool = pool;
        this.threads = threads;
        this.cpus = cpus;
        this.placement = placement;
        this.ime = ime;
    }

    /** Whether the library loaded in this process, which ISA path it chose, or why it did not load. */
    public static NativeAvailability available() {
        return NativeLib.STATUS;
    }

    /** {@link #open(int, int[], String, AiPlacement)} with the A100 handshake where a target cpu is an A100 core. */
    public static NativeKernels open(int threads, int[] cpuList, String aiThreadPath) {
        return open(threads, cpuList, aiThreadPath, AiPlacement.AUTO);
    }

    /**
     * Starts the worker pool.
     *
     * @param threads      number of workers (1..1024)
     * @param cpuList      cpus to pin to, worker i on {@code cpuList[i % length]}; null or empty: not pinned
     * @param aiThreadPath the K3 ai-thread file (null: /proc/set_ai_thread)
     * @param ai           when workers do the ai-thread handshake before pinning
     * @throws IllegalStateException when the library is not available (the message says why)
     */
    public static NativeKernels open(int threads, int[] cpuList, String aiThreadPath, AiPlacement ai) {
        NativeAvailability status = available();
        if (!status.available()) {
            throw new IllegalStateException("native kernels unavailable: " + status.reason());
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be 1..1024, got " + threads);
        }
        int[] cpus = cpuList == null ? new int[0] : cpuList.clone();
        for (int c : cpus) {
            if (c < 0 || c >= 1024) {
                throw new IllegalArgumentException("cpu " + c + " in the cpu list is out of range 0..1023");
            }
        }
        long pool = NativeLib.k3k_pool_create(threads, cpus.length == 0 ? null : cpus, cpus.length, aiThreadPath, ai.code);
        if (pool == 0) {
            throw new IllegalStateException("could not start a pool of " + threads + " worker threads");
        }
        List<WorkerPlacement> placed = new ArrayList<>(threads);
        long[] fields = new long[NativeLib.PLACEMENT_FIELDS];
        for (int i = 0; i < threads; i++) {
            NativeLib.k3k_pool_placement(pool, i, fields);
            WorkerPlacement p = WorkerPlacement.fromNative(i, fields);
            placed.add(p);
            if (p.placedAsRequested()) {
                LOG.debug("kernel worker placed {}", p.describe());
            } else {
                LOG.warn("kernel worker not placed as requested {}", p.describe());
            }
        }
        NativeKernels nk = new NativeKernels(pool, threads, cpus, List.copyOf(placed), NativeLib.k3k_ime_status(pool));
        LOG.info("native kernels isa={} threads={} cpus={} ime={}", status.isa(), threads, java.util.Arrays.toString(cpus),
            nk.imeStatus());
        return nk;
    }

    /**
     * The process's one pool (the design keeps a single pinned pool per process): opened on first use,
     * then returned to every caller asking for the same threads and cpus. Asking for another
     * configuration while it is open is an error (close it first); after {@link #close} the next call
     * opens a new one.
     */
    public static synchronized NativeKernels shared(int threads, int[] cpuList, String aiThreadPath) {
        int[] wanted = cpuList == null ? new int[0] : cpuList;
        if (shared != null && !shared.isClosed()) {
            if (shared.threads != threads || !java.util.Arrays.equals(shared.cpus, wanted)) {
                throw new IllegalStateException("the process already has a kernel pool of " + shared.threads
                    + " threads on cpus " + java.util.Arrays.toString(shared.cpus) + "; asked for " + threads
                    + " on " + java.util.Arrays.toString(wanted));
            }
            return shared;
        }
        shared = open(threads, cpuList, aiThreadPath);
        return shared;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Where each worker runs, as read back by the worker after pinning. */
    public List<WorkerPlacement> placement() {
        return placement;
    }

    public int threads() {
        return threads;
    }

    /** "kernel path" lines: which ISA path each matmul type and each op takes (fallbacks visible). */
    public static String coverage() {
        byte[] buf = new byte[4096];
        int n = NativeLib.k3k_coverage(buf, buf.length);
        return new String(buf, 0, Math.min(n, buf.length - 1), StandardCharsets.US_ASCII);
    }

    /**
     * Which attention path this pool's calls take, for every cache type (llama-bench's -fa): AUTO the tiled kernel from
     * 512 keys on, OFF the exact path at every length, ON the tiled kernel at every length; null hands the pool back
     * to the process's setting (the K3K_FLASH environment variable, else AUTO). Other pools' calls are not affected:
     * a benchmark's -fa on its own pool leaves the server's generations alone.
     */
    public synchronized void flashAttention(FlashAttention mode) {
        NativeLib.k3k_pool_set_flash(live(), mode == null ? -2 : mode.value);
    }

    /** Forces the generic C path process-wide (true) or restores the fastest (false); for tests and benchmarks. */
    public static void useGenericPath(boolean generic) {
        NativeLib.k3k_set_generic(generic ? 1 : 0);
    }

    @Override
    public String name() {
        return "native-" + NativeLib.k3k_isa() + (ime == IME_ENABLED ? "+ime" : "");
    }

    private static final int IME_ENABLED = 1;

    /**
     * Whether batched Q4_0/Q8_0 products use the K3 matrix extension on this pool, and if not why:
     * "enabled", "not built" (not a riscv64 library), "no A100 workers" (no worker verifiably on an
     * A100 core), or "self-test failed" (the real instruction disagreed with its model: RVV is used); still
     * known once the kernels are closed.
     */
    public String imeStatus() {
        return switch (ime) {
            case IME_ENABLED -> "enabled";
            case -1 -> "not built";
            case -2 -> "no A100 workers";
            case -3 -> "self-test failed";
            default -> "unknown";
        };
    }

    @Override
    public synchronized void matmul(GgmlType type, ByteBuffer w, int rows, int cols, FloatBuffer x, FloatBuffer y, int nTokens) {
        check(rows >= 0 && cols > 0 && nTokens >= 0, () -> "matmul: rows " + rows + ", cols " + cols + ", tokens " + nTokens);
        type.vecDotType().bytesFor(cols);
        long wBytes = type.bytesFor(cols) * rows;
        int rc = NativeLib.k3k_matmul(live(), type.id, addr(w, wBytes, "matmul weights"), rows, cols,
            addr(x, (long) cols * nTokens, "matmul x"), outAddr(y, (long) rows * nTokens, "matmul y"), nTokens);
        check(rc == 0, () -> "matmul: type " + type + " is not supported natively");
    }

    /** The native packed layout's name; K3K_PACK limits which types are packed ({@link Packing}). */
    static final String PACKED_LAYOUT = Packing.LAYOUT;

    @Override
    public PackedWeights pack(GgmlType type, ByteBuffer w, int rows, int cols) {
        check(rows > 0 && cols > 0, () -> "pack: rows " + rows + ", cols " + cols);
        long bytes = NativeLib.k3k_packed_bytes(type.id, rows, cols);
        // only where this CPU has a vector kernel for the layout: its generic C model is slower than the
        // file-layout kernels (and on a K3 batches go to IME through the file layout)
        if (bytes == 0 || !Packing.TYPES.contains(type) || NativeLib.k3k_packed_fast(type.id) == 0) {
            return null;
        }
        check(bytes <= Integer.MAX_VALUE - 128, () -> "pack: " + bytes + " bytes do not fit one buffer");
        ByteBuffer packed = Packing.alignedBuffer((int) bytes);
        int rc = NativeLib.k3k_pack(type.id, addr(w, type.bytesFor(cols) * rows, "pack weights"), outAddr(packed, bytes, "pack out"),
            rows, cols);
        check(rc == 0, () -> "pack: " + type + " " + rows + "x" + cols + " could not be packed");
        return new PackedWeights(PACKED_LAYOUT, type, packed, w, rows, cols);
    }

    @Override
    public String packedLayout() {
        return Packing.TYPES.isEmpty() ? null : PACKED_LAYOUT;
    }

    @Override
    public boolean reads(PackedWeights w) {
        return w != null && PACKED_LAYOUT.equals(w.layout());
    }

    @Override
    public synchronized void matmulPacked(PackedWeights w, FloatBuffer x, FloatBuffer y, int nTokens) {
        check(reads(w), () -> "matmulPacked: layout " + (w == null ? "null" : w.layout()) + " is not " + PACKED_LAYOUT);
        check(nTokens >= 0, () -> "matmulPacked: tokens " + nTokens);
        int rc = NativeLib.k3k_matmul_packed(live(), w.type().id, Packing.address(w, 1, w.rows(), "matmulPacked weights"),
            addr(w.file(), w.type().bytesFor(w.cols()) * w.rows(), "file weights"), w.rows(), w.cols(), addr(x, (long) w.cols() * nTokens, "matmul x"), outAddr(y, (long) w.rows() * nTokens, "matmul y"),
            nTokens);
        check(rc == 0, () -> "matmulPacked: " + w.type() + " " + w.rows() + "x" + w.cols() + " has no packed layout");
    }

    @Override
    public synchronized void matmulExperts(GgmlType type, ByteBuffer w, int nExpert, int rows, int cols, FloatBuffer x,
                                           boolean xPerSlot, ExpertRoutes routes, FloatBuffer y) {
        NativeExperts.single(live(), type, null, w, nExpert, rows, cols, x, xPerSlot, routes, y);
    }

    @Override
    public synchronized void matmulExpertsPacked(PackedWeights w, int nExpert, FloatBuffer x, boolean xPerSlot,
                                                 ExpertRoutes routes, FloatBuffer y) {
        check(reads(w), () -> "matmulExpertsPacked: layout " + (w == null ? "null" : w.layout()) + " is not " + PACKED_LAYOUT);
        check(nExpert > 0 && w.rows() % nExpert == 0, () -> "matmulExpertsPacked: " + w.rows() + " packed rows are not "
            + nExpert + " equal expert slabs");
        NativeExperts.single(live(), w.type(), w, w.file(), nExpert, w.rows() / nExpert, w.cols(), x, xPerSlot, routes, y);
    }

    /** One native pass where both tensors are packed in this layout or neither is; else the two single products. */
    @Override
    public synchronized void matmulExpertsPair(GgmlType type, int nExpert, int rows, int cols, ByteBuffer wA,
                                               PackedWeights packedA, ByteBuffer wB, PackedWeights packedB, FloatBuffer x,
                                               ExpertRoutes routes, FloatBuffer yA, FloatBuffer yB) {
        boolean a = reads(packedA);
        if (a != reads(packedB) || (a && (packedA.type() != type || packedB.type() != type))) {
            Kernels.super.matmulExpertsPair(type, nExpert, rows, cols, wA, packedA, wB, packedB, x, routes, yA, yB);
            return;
        }
        NativeExperts.pair(live(), type, a ? packedA : null, wA, a ? packedB : null, wB, nExpert, rows, cols, x, routes, yA, yB);
    }

    @Override
    public synchronized void dequantize(GgmlType type, ByteBuffer src, FloatBuffer dst, int n) {
        NativeConversions.dequantize(type, src, dst, n);
    }

    @Override
    public synchronized void quantize(GgmlType type, FloatBuffer src, ByteBuffer dst, int n) {
        NativeConversions.quantize(type, src, dst, n);
    }

    @Override
    public synchronized void storeKv(GgmlType type, FloatBuffer src, int nTokens, int heads, int headDim, ByteBuffer dst,
                                     long headStride) {
        NativeConversions.storeKv(type, src, nTokens, heads, headDim, dst, headStride);
    }

    @Override
    public synchronized void rmsNorm(FloatBuffer x, FloatBuffer weight, FloatBuffer out, int n, int nRows, float eps) {
        check(n > 0 && nRows >= 0, () -> "rmsNorm: n " + n + ", rows " + nRows);
        long total = (long) n * nRows;
        NativeLib.k3k_rms_norm_on(live(), addr(x, total, "rmsNorm x"), addrOrNull(weight, n, "rmsNorm weight"),
            outAddr(out, total, "rmsNorm out"), n, nRows, eps);
    }

    @Override
    public synchronized void layerNorm(FloatBuffer x, FloatBuffer weight, FloatBuffer bias, FloatBuffer out, int n, int nRows, float eps) {
        check(n > 0 && nRows >= 0, () -> "layerNorm: n " + n + ", rows " + nRows);
        long total = (long) n * nRows;
        NativeLib.k3k_layer_norm(addr(x, total, "layerNorm x"), addrOrNull(weight, n, "layerNorm weight"),
            addrOrNull(bias, n, "layerNorm bias"), outAddr(out, total, "layerNorm out"), n, nRows, eps);
    }

    @Override
    public synchronized void rope(FloatBuffer x, int nTokens, int nHeads, int headDim, int ropeDims, int pos0,
                                  float base, float freqScale, boolean neox, FloatBuffer freqFactors) {
        check(nTokens >= 0 && nHeads >= 0, () -> "rope: tokens " + nTokens + ", heads " + nHeads);
        check(ropeDims % 2 == 0 && ropeDims <= headDim && ropeDims > 0, () ->
            "rope: ropeDims " + ropeDims + " must be even and <= headDim " + headDim);
        NativeLib.k3k_rope_on(live(), outAddr(x, (long) nTokens * nHeads * headDim, "rope x"), nTokens, nHeads, headDim, ropeDims,
            pos0, base, freqScale, neox ? 1 : 0, addrOrNull(freqFactors, ropeDims / 2, "rope frequency factors"));
    }

    @Override
    public synchronized void attention(FloatBuffer q, ByteBuffer k, ByteBuffer v, GgmlType kvType, FloatBuffer out,
                                       int nTokens, int pos0, int nKeys, int nHeads, int nKvHeads, int headDim,
                                       float scale, boolean causal, int window) {
        attention(List.of(new AttentionSequence(q, k, v, out, nTokens, pos0, nKeys)), kvType, nHeads, nKvHeads, headDim,
            scale, causal, window);
    }

    /** All the sequences in one native call (one pool round for those below the tiled kernel's length). */
    @Override
    public synchronized void attention(List<AttentionSequence> seqs, GgmlType kvType, int nHeads, int nKvHeads,
                                       int headDim, float scale, boolean causal, int window) {
        NativeAttention.sequences(live(), seqs, kvType, nHeads, nKvHeads, headDim, scale, causal, window);
    }

    @Override
    public synchronized void swiglu(FloatBuffer gate, FloatBuffer up, FloatBuffer out, int n) {
        check(n >= 0, () -> "swiglu: n " + n + " is negative");
        NativeLib.k3k_swiglu_on(live(), addr(gate, n, "swiglu gate"), addr(up, n, "swiglu up"), outAddr(out, n, "swiglu out"), n);
    }

    @Override
    public synchronized void geglu(FloatBuffer gate, FloatBuffer up, FloatBuffer out, int n) {
        check(n >= 0, () -> "geglu: n " + n + " is negative");
        NativeLib.k3k_geglu_on(live(), addr(gate, n, "geglu gate"), addr(up, n, "geglu up"), outAddr(out, n, "geglu out"), n);
    }

    @Override
    public synchronized void gelu(FloatBuffer x, int n) {
        check(n >= 0, () -> "gelu: n " + n + " is negative");
        NativeLib.k3k_gelu(outAddr(x, n, "gelu x"), n);
    }

    @Override
    public synchronized void add(FloatBuffer a, FloatBuffer b, FloatBuffer out, int n) {
        check(n >= 0, () -> "add: n " + n + " is negative");
        NativeLib.k3k_add(addr(a, n, "add a"), addr(b, n, "add b"), outAddr(out, n, "add out"), n);
    }

    @Override
    public synchronized void addBias(FloatBuffer x, FloatBuffer bias, int n, int nRows) {
        check(n >= 0 && nRows >= 0, () -> "addBias: n " + n + ", rows " + nRows);
        NativeLib.k3k_add_bias(outAddr(x, (long) n * nRows, "addBias x"), addr(bias, n, "addBias bias"), n, nRows);
    }

    @Override
    public synchronized void scale(FloatBuffer x, float s, int n) {
        check(n >= 0, () -> "scale: n " + n + " is negative");
        NativeLib.k3k_scale(outAddr(x, n, "scale x"), s, n);
    }

    @Override
    public synchronized void softcap(FloatBuffer x, float cap, int n) {
        check(n >= 0 && cap > 0, () -> "softcap: n " + n + ", cap " + cap + " (needs n >= 0 and cap > 0)");
        NativeLib.k3k_softcap_on(live(), outAddr(x, n, "softcap x"), cap, n);
    }

    @Override
    public synchronized void causalConv(FloatBuffer state, FloatBuffer x, FloatBuffer weight, FloatBuffer out, int nTokens,
                                        int channels, int dConv) {
        NativeDeltaNet.causalConv(live(), state, x, weight, out, nTokens, channels, dConv);
    }

    @Override
    public synchronized void gatedDeltaNet(FloatBuffer state, FloatBuffer qkv, FloatBuffer alpha, FloatBuffer beta,
                                           FloatBuffer dtBias, FloatBuffer ssmA, FloatBuffer out, int nTokens, int nKHeads,
                                           int nVHeads, int s, float eps) {
        NativeDeltaNet.gatedDeltaNet(live(), state, qkv, alpha, beta, dtBias, ssmA, out, nTokens, nKHeads, nVHeads, s, eps);
    }

    @Override
    public synchronized void sigmoidMul(FloatBuffer x, FloatBuffer gate, FloatBuffer out, int n) {
        check(n >= 0, () -> "sigmoidMul: n " + n + " is negative");
        NativeLib.k3k_sigmoid_mul(addr(x, n, "sigmoidMul x"), addr(gate, n, "sigmoidMul gate"), outAddr(out, n, "sigmoidMul out"), n);
    }

    /**
     * Streams {@code buf} (direct, 32-byte aligned) through every worker, each reading its share with the
     * widest loads this build has, {@code reps} times; returns the best read bandwidth in GB/s.
     */
    public synchronized double readBandwidthGBps(ByteBuffer buf, int reps) {
        check(reps > 0, "reps must be positive");
        double seconds = NativeLib.k3k_read_bandwidth(live(), addr(buf, buf.capacity(), "bandwidth buffer"), buf.capacity(), reps);
        check(seconds > 0, "bandwidth probe needs a 32-byte aligned, non-empty buffer");
        return buf.capacity() / seconds / 1e9;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            NativeLib.k3k_pool_destroy(pool);
        }
    }

    private long live() {
        if (closed) {
            throw new IllegalStateException("native kernels are closed");
        }
        return pool;
    }
}
