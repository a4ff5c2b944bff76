package io.k3mcp.engine.embed.onnx;

import io.k3mcp.kernels.ReferenceKernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Build-time entry point (exec-maven-plugin, process-classes): converts the all-MiniLM-L6-v2 model jar into the
 * F16 GGUF bundled as a resource, with a {@code .sha256} beside it. Skips the work when the output is newer
 * than the jar. Arguments: {@code <model jar> <output .gguf>}.
 */
public final class ImportMain {
    private static final Logger LOG = LoggerFactory.getLogger(ImportMain.class);

    static final OnnxBertImporter.ModelInfo MINILM = new OnnxBertImporter.ModelInfo("all-MiniLM-L6-v2", "apache-2.0",
            "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2");

    private ImportMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ImportMain <model jar> <output .gguf>");
        }
        Path jar = Path.of(args[0]);
        Path out = Path.of(args[1]);
        if (Files.exists(out) && Files.exists(sha256Path(out))
                && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(jar)) > 0) {
            LOG.info("bundled model up to date out={}", out);
            return;
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        ModelJar.convert(jar, MINILM, OnnxBertImporter.Precision.F16, out, ReferenceKernels.INSTANCE);
        Files.writeString(sha256Path(out), sha256(out) + "\n");
    }

    static Path sha256Path(Path gguf) {
        return gguf.resolveSibling(gguf.getFileName() + ".sha256");
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
