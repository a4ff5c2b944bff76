package io.k3mcp.tools.embed;

import io.k3mcp.engine.embed.EmbeddingModel;
import io.k3mcp.engine.session.LeasedCache;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.tools.LoadedModel;
import io.k3mcp.tools.LoadedModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Embedding models by path, opened on first use and kept for later calls; past the limits the least recently
 * used idle one is closed ({@link LeasedCache}), and models://loaded stops listing it.
 */
final class EmbedModels {
    private final Supplier<Kernels> kernelSupplier;
    private final LoadedModels loaded;
    private final LeasedCache<Opened> open;
    private Kernels kernels;

    /** An open model and its file's size (what it counts against the memory budget). */
    record Opened(EmbeddingModel model, long bytes) {
    }

    EmbedModels(Supplier<Kernels> kernels, LoadedModels loaded, ModelRegistry.Limits limits) {
        this.kernelSupplier = kernels;
        this.loaded = loaded;
        this.open = new LeasedCache<>("embed", limits, Opened::bytes, EmbeddingModel::check, o -> o.model().close());
        open.onEviction(path -> loaded.remove(path.toString()));
    }

    /** The model at {@code path}, held open for one call. */
    LeasedCache<Opened>.Lease acquire(Path path) throws IOException {
        return open.acquire(path.toAbsolutePath().normalize(), this::load);
    }

    private synchronized Opened load(Path key) throws IOException {
        if (kernels == null) {
            kernels = kernelSupplier.get();
        }
        EmbeddingModel m = EmbeddingModel.open(key, kernels);
        loaded.register(new LoadedModel(m.displayName(), key.toString(), "embed", Map.of(
                "architecture", m.architecture(), "dim", m.dim(), "pooling", m.defaultPooling().label(),
                "context_length", m.contextLength())));
        return new Opened(m, Files.size(key));
    }
}
