package io.k3mcp.engine.session;

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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Models loaded once per process and shared (CLI, MCP tools, the {@code models://loaded} resource),
 * keyed by their absolute path. Each entry carries its tokenizer and one generation session.
 * With {@link Limits}, the least recently used models are closed when one more would exceed the count or
 * the memory budget; a model held by a {@link Lease} (a call in flight) is never closed, so the limits may
 * be exceeded while every model is busy and are restored when the leases end.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    /** A loaded model with what generation needs. */
    public record Loaded(Path path, Model model, Tokenizer tokenizer, Session session) {
    }

    /** What {@code models://loaded} lists. */
    public record Info(String path, String architecture, int layers, int embeddingLength, int vocabSize,
                       int contextLength, long fileBytes, String kernels) {
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
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public Loaded loaded() {
            return entry.loaded;
        }

        @Override
        public void close() {
            synchronized (ModelRegistry.this) {
                if (!closed) {
                    closed = true;
                    entry.leases--;
                    trim(null, 0);
                }
            }
        }
    }

    private static final class Entry {
        final Loaded loaded;
        final long bytes;
        int leases;

        Entry(Loaded loaded, long bytes) {
            this.loaded = loaded;
            this.bytes = bytes;
        }
    }

    private final Kernels kernels;
    private final int contextLength;
    private final Limits limits;
    /** Access order: the first entry is the least recently used. */
    private final Map<Path, Entry> models = new LinkedHashMap<>(16, 0.75f, true);
    private final List<Consumer<Path>> evictionListeners = new CopyOnWriteArrayList<>();

    /** @param contextLength KV cache size of each session; 0 = {@link Session#defaultContext} */
    public ModelRegistry(Kernels kernels, int contextLength) {
        this(kernels, contextLength, Limits.NONE);
    }

    public ModelRegistry(Kernels kernels, int contextLength, Limits limits) {
        this.kernels = kernels;
        this.contextLength = contextLength;
        this.limits = limits;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** Called with the path of every model closed to make room (callers drop what they cached for it). */
    public void onEviction(Consumer<Path> listener) {
        evictionListeners.add(listener);
    }

    /** The model at {@code path}, loading it on first use (no lease: for callers that never evict, the CLI). */
    public synchronized Loaded get(Path path) throws IOException {
        return entry(path.toAbsolutePath().normalize()).loaded;
    }

    /** The model at {@code path}, held until the lease is closed. */
    public synchronized Lease acquire(Path path) throws IOException {
        Entry e = entry(path.toAbsolutePath().normalize());
        e.leases++;
        return new Lease(e);
    }

    private Entry entry(Path key) throws IOException {
        Entry e = models.get(key);
        if (e != null) {
            return e;
        }
        trim(key, Files.size(key)); // room for the weights before mapping them
        Model model = Model.load(key, kernels);
        Loaded loaded;
        try {
            Tokenizer tokenizer = Tokenizers.fromGguf(model.file().metadata());
            Session session = new Session(model, kernels, TokenText.of(tokenizer), contextLength, GgmlType.F16);
            loaded = new Loaded(key, model, tokenizer, session);
        } catch (RuntimeException ex) {
            closeQuietly(model, ex);
            throw ex;
        }
        e = new Entry(loaded, Files.size(key) + kvBytes(loaded));
        models.put(key, e);
        log.info("model registered path={} context={} kernels={} bytes={}", key, loaded.session().contextLength(),
                kernels.name(), e.bytes);
        trim(key, 0);
        return e;
    }

    private static long kvBytes(Loaded l) {
        var c = l.model().config();
        return 2L * c.nLayer() * l.session().contextLength() * GgmlType.F16.bytesFor(c.kvDim());
    }

    /** Closes unleased models, least recently used first (never {@code keep}), until {@code incoming} more fits. */
    private void trim(Path keep, long incoming) {
        Iterator<Map.Entry<Path, Entry>> it = models.entrySet().iterator();
        while (overLimits(incoming, keep != null && !models.containsKey(keep)) && it.hasNext()) {
            Map.Entry<Path, Entry> next = it.next();
            if (next.getKey().equals(keep) || next.getValue().leases > 0) {
                continue;
            }
            it.remove();
            evict(next.getValue());
        }
        if (overLimits(incoming, keep != null && !models.containsKey(keep))) {
            log.warn("event=model_limits_exceeded loaded={} bytes={} max_loaded={} memory_budget={} reason=models_in_use",
                    models.size(), usedBytes(), limits.maxLoaded(), limits.memoryBytes());
        }
    }

    private boolean overLimits(long incoming, boolean oneMore) {
        int count = models.size() + (oneMore ? 1 : 0);
        boolean tooMany = limits.maxLoaded() > 0 && count > limits.maxLoaded();
        boolean tooBig = limits.memoryBytes() > 0 && count > 1 && usedBytes() + incoming > limits.memoryBytes();
        return tooMany || tooBig;
    }

    private long usedBytes() {
        return models.values().stream().mapToLong(e -> e.bytes).sum();
    }

    private void evict(Entry e) {
        Path path = e.loaded.path();
        log.info("event=model_evicted path={} bytes={} max_loaded={} memory_budget={}", path, e.bytes,
                limits.maxLoaded(), limits.memoryBytes());
        try {
            e.loaded.model().close();
        } catch (IOException ex) {
            log.warn("closing evicted model failed path={} error={}", path, ex.toString());
        }
        evictionListeners.forEach(l -> l.accept(path));
    }

    /** The models loaded now, least recently used first. */
    public synchronized List<Info> loaded() {
        List<Info> out = new ArrayList<>();
        for (Entry e : models.values()) {
            Loaded l = e.loaded;
            var c = l.model().config();
            long bytes;
            try {
                bytes = Files.size(l.path());
            } catch (IOException ex) {
                log.warn("cannot stat model file path={} error={}", l.path(), ex.toString());
                bytes = -1;
            }
            out.add(new Info(l.path().toString(), c.arch().ggufName, c.nLayer(), c.nEmbd(), c.nVocab(),
                    l.session().contextLength(), bytes, kernels.name()));
        }
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        IOException first = null;
        for (Entry e : models.values()) {
            try {
                e.loaded.model().close();
            } catch (IOException ex) {
                log.warn("closing model failed path={} error={}", e.loaded.path(), ex.toString());
                first = first == null ? ex : first;
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
