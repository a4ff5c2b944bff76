package io.k3mcp.engine.gguf;

import java.nio.file.Path;

/** A GGUF file that is truncated, corrupt or unsupported; the message names the file, the field and the offset. */
public final class GgufException extends RuntimeException {
    public GgufException(String message) {
        super(message);
    }

    public GgufException(String message, Throwable cause) {
        super(message, cause);
    }

    static GgufException at(Path file, long offset, String what) {
        return new GgufException(file.getFileName() + ": " + what + " (at byte offset " + offset + ")");
    }
}
