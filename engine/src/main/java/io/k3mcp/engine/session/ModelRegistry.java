package io.k3mcp.engine.session;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Models loaded once per process and shared (CLI, MCP tools, the {@code models://loaded} resource),
 * keyed by their absolute path. Each entry carries its tokenizer and one generation session.
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

    private final Kernels kernels;
    private final int contextLength;
    private final int parallel;
    private final long prefixCacheBytes;
    private final Map<Path, Loaded> models = new LinkedHashMap<>();

    /** @param contextLength KV cache size of each session; 0 = {@link Session#defaultContext} */
    public ModelRegistry(Kernels kernels, int contextLength) {
        this(kernels, contextLength, 1, 0);
    }

    /**
     * @param parallel         sequence slots of each session (calls served together by continuous batching)
     * @param prefixCacheBytes per session, memory for copies of recent calls' KV rows (the prefix cache; 0: none)
     */
    public ModelRegistry(Kernels kernels, int contextLength, int parallel, long prefixCacheBytes) {
        this.kernels = kernels;
        this.contextLength = contextLength;
        this.parallel = parallel;
        this.prefixCacheBytes = prefixCacheBytes;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** The model at {@code path}, loading it on first use. */
    public synchronized Loaded get(Path path) throws IOException {
        Path key = path.toAbsolutePath().normalize();
        Loaded loaded = models.get(key);
        if (loaded != null) {
            return loaded;
        }
        Model model = Model.load(key, kernels);
        try {
            Tokenizer tokenizer = Tokenizers.fromGguf(model.file().metadata());
            Session session = new Session(model, kernels, TokenText.of(tokenizer), contextLength, GgmlType.F16, parallel,
                    SystemMemory.available(), prefixCacheBytes);
            loaded = new Loaded(key, model, tokenizer, session);
        } catch (RuntimeException e) {
            closeQuietly(model, e);
            throw e;
        }
        models.put(key, loaded);
        log.info("model registered path={} context={} parallel={} kernels={}", key, loaded.session().contextLength(), parallel,
                kernels.name());
        return loaded;
    }

    /**
     * Refuses, before any call, a model whose sequence slots' KV caches do not fit the memory available now
     * (reads the file's shape only; the weights load on first use).
     */
    public void checkCapacity(Path path) throws IOException {
        checkCapacity(path, SystemMemory.available());
    }

    void checkCapacity(Path path, long availableBytes) throws IOException {
        try (Model model = Model.load(path.toAbsolutePath().normalize(), kernels)) {
            int ctx = contextLength == 0 ? Session.defaultContext(model.config()) : contextLength;
            long perSlot = new KvCache(model.config(), ctx, GgmlType.F16).bytes();
            BatchScheduler.requireFits(perSlot, ctx, parallel, availableBytes);
            log.info("capacity checked path={} parallel={} context={} kv_bytes_per_slot={}", path, parallel, ctx, perSlot);
        }
    }

    /** The models loaded so far, in load order. */
    public synchronized List<Info> loaded() {
        List<Info> out = new ArrayList<>();
        for (Loaded l : models.values()) {
            var c = l.model().config();
            long bytes;
            try {
                bytes = Files.size(l.path());
            } catch (IOException e) {
                log.warn("cannot stat model file path={} error={}", l.path(), e.toString());
                bytes = -1;
            }
            out.add(new Info(l.path().toString(), c.arch().ggufName, c.nLayer(), c.nEmbd(), c.nVocab(),
                    l.session().contextLength(), bytes, kernels.name(), l.session().kvCacheBytes()));
        }
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        IOException first = null;
        for (Loaded l : models.values()) {
            try {
                l.model().close();
            } catch (IOException e) {
                log.warn("closing model failed path={} error={}", l.path(), e.toString());
                first = first == null ? e : first;
            }
        }
        models.clear();
        if (first != null) {
            throw first;
        }
    }

    private static void closeQuietly(Model model, RuntimeException cause) {
        try {
            model.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
