package io.k3mcp.engine.session;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.ModelConfig;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.engine.tokenizer.Tokenizers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Models loaded once per process and shared (CLI, MCP tools, the {@code models://loaded} resource),
 * keyed by their absolute path. Each entry carries its tokenizer and one generation session.
 * With {@link Limits}, the least recently used models are closed when one more would exceed the count or
 * the memory budget (file plus KV cache); a model held by a {@link Lease} (a call in flight) never is
 * ({@link LeasedCache}).
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    /** A loaded model with what generation needs. */
    public record Loaded(Path path, Model model, Tokenizer tokenizer, Session session) {
    }

    /**
     * What {@code models://loaded} lists.
     *
     * @param kvCacheBytes bytes of the session's KV cache (per-layer: sliding layers their window, shared-KV layers none)
     */
    public record Info(String path, String architecture, int layers, int embeddingLength, int vocabSize,
                       int contextLength, long fileBytes, String kernels, long kvCacheBytes) {
    }

    /**
     * @param maxLoaded   most models kept loaded; 0 = no limit
     * @param memoryBytes budget for the loaded models' files plus KV caches; 0 = no limit
     */
    public record Limits(int maxLoaded, long memoryBytes) {
        public static final Limits NONE = new Limits(0, 0);

        public Limits {
            if (maxLoaded < 0 || memoryBytes < 0) {
                throw new IllegalArgumentException("limits must be 0 (none) or positive: maxLoaded=" + maxLoaded
                        + " memoryBytes=" + memoryBytes);
            }
        }
    }

    /** One call's hold on a model: while open, the model is not evicted. */
    public static final class Lease implements AutoCloseable {
        private final LeasedCache<Loaded>.Lease held;

        private Lease(LeasedCache<Loaded>.Lease held) {
            this.held = held;
        }

        public Loaded loaded() {
            return held.value();
        }

        @Override
        public void close() {
            held.close();
        }
    }

    private final Kernels kernels;
    private final int contextLength;
    private final GgmlType kvType;
    private final int parallel;
    private final long prefixCacheBytes;
    private final LeasedCache<Loaded> models;

    /** @param contextLength KV cache size of each session; 0 = the default of {@link ContextSize} */
    public ModelRegistry(Kernels kernels, int contextLength) {
        this(kernels, contextLength, Limits.NONE, GgmlType.F16);
    }

    public ModelRegistry(Kernels kernels, int contextLength, Limits limits) {
        this(kernels, contextLength, limits, GgmlType.F16);
    }

    /** @param kvType the sessions' KV cache type ({@link KvType}: F16, Q8_0, Q4_0, F32) */
    public ModelRegistry(Kernels kernels, int contextLength, GgmlType kvType) {
        this(kernels, contextLength, Limits.NONE, kvType);
    }

    public ModelRegistry(Kernels kernels, int contextLength, Limits limits, GgmlType kvType) {
        this(kernels, contextLength, limits, kvType, 1, 0);
    }

    public ModelRegistry(Kernels kernels, int contextLength, int parallel, long prefixCacheBytes) {
        this(kernels, contextLength, Limits.NONE, GgmlType.F16, parallel, prefixCacheBytes);
    }

    /**
     * @param limits           when idle models are closed (serve's --max-loaded, --memory-budget)
     * @param kvType           the sessions' KV cache type ({@link KvType}: F16, Q8_0, Q4_0, F32)
     * @param parallel         sequence slots of each session (calls served together by continuous batching)
     * @param prefixCacheBytes per session, memory for copies of recent calls' KV rows (the prefix cache; 0: none)
     */
    public ModelRegistry(Kernels kernels, int contextLength, Limits limits, GgmlType kvType, int parallel,
                         long prefixCacheBytes) {
        BatchScheduler.checkParallel(parallel);
        this.kernels = kernels;
        this.contextLength = contextLength;
        this.kvType = kvType;
        this.parallel = parallel;
        this.prefixCacheBytes = prefixCacheBytes;
        this.models = new LeasedCache<>("generate", limits, ModelRegistry::footprint, Model::readConfig, l -> l.model().close());
    }

    public Kernels kernels() {
        return kernels;
    }

    /** Called with the path of every model closed to make room (callers drop what they cached for it). */
    public void onEviction(Consumer<Path> listener) {
        models.onEviction(listener);
    }

    /** The model at {@code path}, loading it on first use (no lease: for callers that never evict, the CLI). */
    public Loaded get(Path path) throws IOException {
        return models.get(path.toAbsolutePath().normalize(), this::load);
    }

    /** The model at {@code path}, held until the lease is closed. */
    public Lease acquire(Path path) throws IOException {
        return new Lease(models.acquire(path.toAbsolutePath().normalize(), this::load));
    }

    private Loaded load(Path key) throws IOException {
        Model model = Model.load(key, kernels);
        Loaded loaded;
        try {
            Tokenizer tokenizer = Tokenizers.fromGguf(model.file().metadata());
            Session session = new Session(model, kernels, TokenText.of(tokenizer), contextLength, kvType, parallel,
                    SystemMemory.available(), prefixCacheBytes);
            loaded = new Loaded(key, model, tokenizer, session);
        } catch (RuntimeException e) {
            closeQuietly(model, e);
            throw e;
        }
        log.info("model registered path={} context={} kv_type={} parallel={} kernels={}", key, loaded.session().contextLength(),
                KvType.name(kvType), parallel, kernels.name());
        return loaded;
    }

    /** The file (mapped weights) plus the F16 KV cache of its session. */
    private static long footprint(Loaded l) {
        var c = l.model().config();
        long kv = 2L * c.nLayer() * l.session().contextLength() * GgmlType.F16.bytesFor(c.kvDim());
        return fileBytes(l.path()) + kv;
    }

    private static long fileBytes(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            log.warn("cannot stat model file path={} error={}", path, e.toString());
            return -1;
        }
    }

    /**
     * Refuses, before any call, a model whose sequence slots' KV caches do not fit the memory available now
     * (reads the file's shape only; the weights load on first use).
     */
    public void checkCapacity(Path path) throws IOException {
        checkCapacity(path, SystemMemory.available());
    }

    void checkCapacity(Path path, long availableBytes) throws IOException {
        ModelConfig config = Model.readConfig(path.toAbsolutePath().normalize());
        int ctx = ContextSize.choose(config, contextLength, kvType, SystemMemory.available() / parallel).tokens();
        long perSlot = KvCache.memoryBytesFor(config, ctx, kvType);
        BatchScheduler.requireFits(perSlot, ctx, parallel, availableBytes);
        log.info("capacity checked path={} parallel={} context={} memory_bytes_per_slot={}", path, parallel, ctx, perSlot);
    }

    /** The models loaded now, least recently used first. */
    public List<Info> loaded() {
        List<Info> out = new ArrayList<>();
        for (Loaded l : models.values()) {
            var c = l.model().config();
            out.add(new Info(l.path().toString(), c.arch().ggufName, c.nLayer(), c.nEmbd(), c.nVocab(),
                    l.session().contextLength(), fileBytes(l.path()), kernels.name(), l.session().kvCacheBytes()));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        models.close();
    }

    private static void closeQuietly(Model model, RuntimeException cause) {
        try {
            model.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
