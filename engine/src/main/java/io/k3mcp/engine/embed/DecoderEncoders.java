package io.k3mcp.engine.embed;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.kernels.Kernels;

/** Decoder architectures used as embedding models (hidden states of the engine's decoder). */
final class DecoderEncoders {
    private DecoderEncoders() {
    }

    static TokenEncoder open(GgufFile file, Kernels kernels, String arch) {
        throw EmbeddingModel.unsupported(file, arch);
    }
}
