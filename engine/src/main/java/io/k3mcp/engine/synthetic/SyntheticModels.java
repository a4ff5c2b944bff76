package io.k3mcp.engine.synthetic;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufTensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The cache of synthetic models: {@code SHAPE:TYPE} resolves to
 * {@code $XDG_CACHE_HOME/k3mcp/synthetic/SHAPE-TYPE.gguf} (or ~/.cache/...), written on first use and
 * reused while its metadata and tensor table still match the plan.
 */
public final class SyntheticModels {
    private static final Logger LOG = LoggerFactory.getLogger(SyntheticModels.class);

    private final Path dir;

    public SyntheticModels(Path dir) {
        this.dir = dir;
    }

    /** The default cache directory. */
    public static SyntheticModels inDefaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new SyntheticModels(base.resolve("k3mcp").resolve("synthetic"));
    }

    public Path dir() {
        return dir;
    }

    /** Parses "shape:type" (e.g. "tinyllama-1.1b:q4_0") against the built-in shapes. */
    public static SyntheticPlan parseSpec(String spec) {
        return parseSpec(spec, 0);
    }

    /** As {@link #parseSpec(String)}, cut to the shape's first {@code layers} layers (0: all). */
    public static SyntheticPlan parseSpec(String spec, int layers) {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("synthetic model '" + spec + "': expected SHAPE:TYPE, e.g. tinyllama-1.1b:q4_0");
        }
        SyntheticShape shape = SyntheticShape.byName(spec.substring(0, colon));
        return SyntheticPlan.of(layers == 0 ? shape : shape.withLayers(layers), SyntheticType.parse(spec.substring(colon + 1)));
    }

    public Path pathFor(SyntheticPlan plan) {
        return dir.resolve(plan.shape().name() + "-" + plan.type().name().toLowerCase(Locale.ROOT) + ".gguf");
    }

    /** The file for {@code plan}, written now if it is missing or does not match. */
    public Path ensure(SyntheticPlan plan) throws IOException {
        Path path = pathFor(plan);
        if (Files.isRegularFile(path)) {
            String why = mismatch(plan, path);
            if (why == null) {
                LOG.debug("synthetic model reused path={}", path);
                return path;
            }
            LOG.warn("synthetic model rebuilt path={} reason={}", path, why);
        }
        Files.createDirectories(dir);
        LOG.info("writing synthetic model path={} weight_bytes={} (once; reused afterwards)", path, plan.weightBytes());
        SyntheticModelWriter.write(plan, path);
        String why = mismatch(plan, path);
        if (why != null) {
            throw new IOException("synthetic model " + path + " does not match its plan after writing: " + why);
        }
        return path;
    }

    /** Why the file at {@code path} is not {@code plan}'s model, or null when it is. */
    static String mismatch(SyntheticPlan plan, Path path) {
        try (GgufFile f = GgufFile.open(path)) {
            String id = f.metadata().optString("k3mcp.synthetic").orElse(null);
            if (!plan.identity().equals(id)) {
                return "identity " + id + " != " + plan.identity();
            }
            if (f.tensors().size() != plan.tensors().size()) {
                return "tensor count " + f.tensors().size() + " != " + plan.tensors().size();
            }
            long end = f.dataOffset();
            for (TensorSpec t : plan.tensors()) {
                GgufTensor g = f.tensor(t.name());
                if (g == null || g.type() != t.type() || g.byteSize() != t.byteSize()) {
                    return "tensor " + t.name() + " differs";
                }
                end = Math.max(end, f.dataOffset() + g.offset() + g.byteSize());
            }
            long size = Files.size(path);
            if (size < end) {
                return "file size " + size + " < " + end;
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
