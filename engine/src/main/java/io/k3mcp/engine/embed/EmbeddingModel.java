package io.k3mcp.engine.embed;

import io.k3mcp.engine.gguf.GgufException;
import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.kernels.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An embedding model loaded from GGUF: a {@code bert} encoder or a decoder with a pooling type. Each text is
 * tokenised with the model's own tokenizer and run as its own sequence; hidden states are pooled (mean / cls /
 * last / none) and L2-normalised when asked.
 */
public final class EmbeddingModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingModel.class);

    private final GgufFile file;
    private final String name;
    private final TokenEncoder encoder;

    private EmbeddingModel(GgufFile file, String name, TokenEncoder encoder) {
        this.file = file;
        this.name = name;
        this.encoder = encoder;
    }

    /** Opens {@code path}; throws naming the file when it is not a supported embedding model. */
    public static EmbeddingModel open(Path path, Kernels kernels) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            String arch = file.metadata().string("general.architecture");
            String fileName = path.getFileName().toString();
            TokenEncoder encoder = switch (arch) {
                case "bert" -> new BertEncoder(file, kernels);
                default -> DecoderEncoders.open(file, kernels, arch);
            };
            LOG.info("embedding model loaded file={} arch={} dim={} pooling={} kernels={}",
                    path, arch, encoder.dim(), encoder.defaultPooling().label(), kernels.name());
            return new EmbeddingModel(file, fileName, encoder);
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(file, e);
            throw e;
        }
    }

    /** Reads the file's header, tensor table and architecture: refuses a truncated or corrupt file without loading it. */
    public static void check(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            file.metadata().string("general.architecture");
        }
    }

    private static void closeAfterFailure(GgufFile file, Exception e) {
        try {
            file.close();
        } catch (IOException closeError) {
            e.addSuppressed(closeError);
        }
    }

    /** The model file's name, e.g. all-minilm-l6-v2-f16.gguf. */
    public String name() {
        return name;
    }

    /** GGUF {@code general.name}, else the file name. */
    public String displayName() {
        return file.metadata().optString("general.name").orElse(name);
    }

    /** GGUF {@code general.architecture}, e.g. bert or qwen3. */
    public String architecture() {
        return file.metadata().string("general.architecture");
    }

    public int dim() {
        return encoder.dim();
    }

    public int contextLength() {
        return encoder.contextLength();
    }

    public Pooling defaultPooling() {
        return encoder.defaultPooling();
    }

    public Tokenizer tokenizer() {
        return encoder.tokenizer();
    }

    /**
     * The token ids of text number {@code index} with the model's special tokens, cut to the context length
     * when {@code truncate} (keeping the leading and trailing special tokens), else rejected when too long.
     */
    public int[] tokens(int index, String text, boolean truncate) {
        Tokenizer tok = encoder.tokenizer();
        int[] ids = tok.encode(text, true, false);
        int limit = encoder.contextLength();
        if (ids.length > limit) {
            if (!truncate) {
                throw new TextTooLongException(index, ids.length, limit, name);
            }
            ids = truncate(tok, text, limit);
        }
        if (ids.length == 0) {
            throw new IllegalArgumentException("text " + index + " gives no tokens with " + name
                    + " (its tokenizer adds no special tokens to an empty text)");
        }
        return ids;
    }

    /** Special tokens before (BOS/[CLS]) and after ([SEP]) stay; the text's own tokens are cut. */
    private static int[] truncate(Tokenizer tok, String text, int limit) {
        int[] specials = tok.encode("", true, false);
        int prefix = specials.length > 0 && specials[0] == tok.bos() ? 1 : 0;
        int[] content = tok.encode(text, false, false);
        int keep = Math.max(0, limit - specials.length);
        int[] out = new int[Math.min(limit, specials.length + Math.min(keep, content.length))];
        System.arraycopy(specials, 0, out, 0, prefix);
        System.arraycopy(content, 0, out, prefix, out.length - specials.length);
        System.arraycopy(specials, prefix, out, out.length - (specials.length - prefix), specials.length - prefix);
        return out;
    }

    /** The pooled (or per-token) vectors of one token sequence. */
    public List<float[]> embedTokens(int[] ids, Pooling pooling, boolean normalize) {
        float[] hidden = encoder.hiddenStates(ids);
        List<float[]> out = Pooler.pool(hidden, ids.length, encoder.dim(), pooling);
        if (normalize) {
            out.forEach(Pooler::normalize);
        }
        return out;
    }

    /** Embeds a batch: every text is checked (tokens, length) before any is run. */
    public EmbedResult embed(List<String> texts, EmbedOptions options) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts to embed: give at least one");
        }
        Pooling pooling = options.pooling() != null ? options.pooling() : encoder.defaultPooling();
        List<int[]> all = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            all.add(tokens(i, texts.get(i), options.truncate()));
        }
        List<float[]> vectors = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int[] ids : all) {
            vectors.addAll(embedTokens(ids, pooling, options.normalize()));
            counts.add(ids.length);
        }
        return new EmbedResult(pooling, options.normalize(), encoder.dim(), vectors, counts);
    }

    @Override
    public void close() throws IOException {
        try (GgufFile f = file) {
            encoder.close();
        }
    }

    @Override
    public String toString() {
        return "EmbeddingModel[" + name + ", dim " + dim() + ", pooling " + defaultPooling().label() + "]";
    }

    static io.k3mcp.engine.model.UnsupportedModelException unsupported(GgufFile file, String arch) {
        return new io.k3mcp.engine.model.UnsupportedModelException(file.path().getFileName() + ": architecture '" + arch
                + "' cannot be used for embeddings (supported: bert, and decoders with " + arch + ".pooling_type)");
    }
}
