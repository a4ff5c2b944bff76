package io.k3mcp.engine.embed.onnx;

/** An ONNX file (or the model inside it) k3mcp cannot read or convert; the message names what and where. */
public final class OnnxFormatException extends RuntimeException {
    public OnnxFormatException(String message) {
        super(message);
    }
}
