package io.k3mcp.engine.model;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufTensor;
import io.k3mcp.kernels.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loaded model: its file (kept open: the weights are views of its mapping), hyperparameters and
 * weights. Loading maps the file and checks every tensor; it copies no weights into the heap.
 */
public final class Model implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Model.class);

    private final GgufFile file;
    private final ModelConfig config;
    private final ModelWeights weights;
    /** The weights with packed copies, one per packed layout asked for (sessions on the same kernels share one). */
    private final Map<String, ModelWeights> packed = new ConcurrentHashMap<>();

    private Model(GgufFile file, ModelConfig config, ModelWeights weights) {
        this.file = file;
        this.config = config;
        this.weights = weights;
    }

    /** Opens, validates and maps a GGUF model; errors name the file and the key or tensor at fault. */
    public static Model load(Path path, Kernels kernels) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            ModelConfig config = configOf(file, path);
            ModelWeights weights = WeightLoader.load(file, config, kernels);
            log.info("model loaded file={} arch={} layers={} embd={} heads={}/{} vocab={} ctx={} tied_output={}",
                    path.getFileName(), config.arch().ggufName, config.nLayer(), config.nEmbd(), config.nHead(),
                    config.nKvHead(), config.nVocab(), config.contextLength(), weights.tiedOutput());
            return new Model(file, config, weights);
        } catch (RuntimeException e) {
            closeAfterFailure(file, e);
            throw e;
        }
    }

    /** The hyperparameters of the model at {@code path}, read from its metadata without loading weights. */
    public static ModelConfig readConfig(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            return configOf(file, path);
        }
    }

    private static ModelConfig configOf(GgufFile file, Path path) {
        GgufTensor embd = file.tensor("token_embd.weight");
        String where = path.getFileName() + ": tensor 'token_embd.weight'";
        if (embd == null) {
            throw new UnsupportedModelException(where + " is missing");
        }
        if (embd.ne().length != 2) {
            throw new UnsupportedModelException(where + " is of shape " + embd.shape() + ", expected [n_embd, n_vocab]");
        }
        if (embd.ne()[1] > Integer.MAX_VALUE) {
            // the right shape, but a vocabulary that token ids (ints) cannot index: say that, not that the shape is wrong
            throw new UnsupportedModelException(where + " has " + embd.ne()[1] + " rows (n_vocab), more than the "
                    + Integer.MAX_VALUE + " token ids can address");
        }
        return ModelConfig.fromMetadata(file.metadata(), (int) embd.ne()[1]);
    }

    private static void closeAfterFailure(GgufFile file, RuntimeException e) {
        try {
            file.close();
        } catch (IOException closeError) {
            e.addSuppressed(closeError);
        }
    }

    public GgufFile file() {
        return file;
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    /**
     * The weights as {@code kernels} multiply them fastest: with copies in their packed layout, made on
     * the first call for that layout and shared by every later caller; the file's weights when the
     * kernels have no packed layout.
     */
    public ModelWeights weightsFor(Kernels kernels) {
        String layout = kernels.packedLayout();
        if (layout == null) {
            return weights;
        }
        return packed.computeIfAbsent(layout, l -> {
            long t0 = System.nanoTime();
            ModelWeights p = weights.packedFor(kernels);
            log.info("weights packed layout={} file={} ms={}", l, file.path().getFileName(), (System.nanoTime() - t0) / 1_000_000);
            return p;
        });
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
