package io.k3mcp.engine.session;

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
import java.util.function.ToLongFunction;

/**
 * Loaded models by path, kept for later calls. Past the {@link ModelRegistry.Limits} (count, bytes) the least
 * recently used models nobody holds are closed; a model held by a {@link Lease} (a call in flight) never is, so
 * the limits may be exceeded while every model is busy, and are restored as the leases end.
 *
 * @param <V> the loaded model
 */
public final class LeasedCache<V> {
    private static final Logger log = LoggerFactory.getLogger(LeasedCache.class);

    /** Opens the model at a path. */
    public interface Loader<V> {
        V load(Path path) throws IOException;
    }

    /**
     * Reads enough of a file to refuse one that cannot load (truncated, corrupt, unsupported) before any model is
     * closed to make room for it: a bad path in one call must not unload the model the other calls are using.
     */
    public interface Check {
        void check(Path path) throws IOException;
    }

    /** Closes an evicted model. */
    public interface Closer<V> {
        void close(V value) throws IOException;
    }

    /** One call's hold on a model: while open, the model is not evicted. */
    public final class Lease implements AutoCloseable {
        private final Entry<V> entry;
        private boolean closed;

        private Lease(Entry<V> entry) {
            this.entry = entry;
        }

        public V value() {
            return entry.value;
        }

        @Override
        public void close() {
            synchronized (LeasedCache.this) {
                if (!closed) {
                    closed = true;
                    entry.leases--;
                    trim(null, 0);
                }
            }
        }
    }

    private static final class Entry<V> {
        final Path path;
        final V value;
        final long bytes;
        int leases;

        Entry(Path path, V value, long bytes) {
            this.path = path;
            this.value = value;
            this.bytes = bytes;
        }
    }

    private final String kind;
    private final ModelRegistry.Limits limits;
    private final ToLongFunction<V> footprint;
    private final Check check;
    private final Closer<V> closer;
    /** Access order: the first entry is the least recently used. */
    private final Map<Path, Entry<V>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final List<Consumer<Path>> evictionListeners = new CopyOnWriteArrayList<>();

    /**
     * @param kind      what the models serve, for the logs ("generate", "embed")
     * @param footprint the bytes a loaded model counts against the memory budget
     * @param check     run before anything is closed to make room (only then: the load reads the file anyway), so a
     *                  file that cannot load evicts nothing
     */
    public LeasedCache(String kind, ModelRegistry.Limits limits, ToLongFunction<V> footprint, Check check, Closer<V> closer) {
        this.kind = kind;
        this.check = check;
        this.limits = limits;
        this.footprint = footprint;
        this.closer = closer;
    }

    /** Called with the path of every model closed to make room. */
    public void onEviction(Consumer<Path> listener) {
        evictionListeners.add(listener);
    }

    /** The model at {@code path} (absolute, normalised), loaded on first use; no lease. */
    public synchronized V get(Path path, Loader<V> loader) throws IOException {
        return entry(path, loader).value;
    }

    /** The model at {@code path} (absolute, normalised), held until the lease is closed. */
    public synchronized Lease acquire(Path path, Loader<V> loader) throws IOException {
        Entry<V> e = entry(path, loader);
        e.leases++;
        return new Lease(e);
    }

    private Entry<V> entry(Path key, Loader<V> loader) throws IOException {
        Entry<V> e = entries.get(key);
        if (e != null) {
            return e;
        }
        long size = Files.size(key);
        if (overLimits(size, true)) {
            check.check(key);   // only when room must be made: a file that cannot load evicts nothing
        }
        trim(key, size); // room for the file before mapping it
        V value = loader.load(key);
        e = new Entry<>(key, value, footprint.applyAsLong(value));
        entries.put(key, e);
        trim(key, 0);
        return e;
    }

    /** Closes unleased models, least recently used first (never {@code keep}), until {@code incoming} more fits. */
    private void trim(Path keep, long incoming) {
        boolean oneMore = keep != null && !entries.containsKey(keep);
        Iterator<Entry<V>> it = entries.values().iterator();
        while (overLimits(incoming, oneMore) && it.hasNext()) {
            Entry<V> next = it.next();
            if (!next.path.equals(keep) && next.leases == 0) {
                it.remove();
                evict(next);
            }
        }
        if (overLimits(incoming, oneMore)) {
            log.warn("event=model_limits_exceeded purpose={} loaded={} max_loaded={} memory_budget={} reason=models_in_use",
                    kind, entries.size(), limits.maxLoaded(), limits.memoryBytes());
        }
    }

    private boolean overLimits(long incoming, boolean oneMore) {
        int count = entries.size() + (oneMore ? 1 : 0);
        long bytes = entries.values().stream().mapToLong(e -> e.bytes).sum() + incoming;
        return (limits.maxLoaded() > 0 && count > limits.maxLoaded())
                || (limits.memoryBytes() > 0 && count > 1 && bytes > limits.memoryBytes());
    }

    private void evict(Entry<V> e) {
        log.info("event=model_evicted purpose={} path={} bytes={} max_loaded={} memory_budget={}", kind, e.path, e.bytes,
                limits.maxLoaded(), limits.memoryBytes());
        try {
            closer.close(e.value);
        } catch (IOException ex) {
            log.warn("closing evicted model failed path={} error={}", e.path, ex.toString());
        }
        evictionListeners.forEach(l -> l.accept(e.path));
    }

    /** The models loaded now, least recently used first. */
    public synchronized List<V> values() {
        List<V> out = new ArrayList<>();
        entries.values().forEach(e -> out.add(e.value));
        return out;
    }

    /** Closes every model; the first failure is thrown after all were tried. */
    public synchronized void close() throws IOException {
        IOException first = null;
        for (Entry<V> e : entries.values()) {
            try {
                closer.close(e.value);
            } catch (IOException ex) {
                log.warn("closing model failed path={} error={}", e.path, ex.toString());
                first = first == null ? ex : first;
            }
        }
        entries.clear();
        if (first != null) {
            throw first;
        }
    }
}
