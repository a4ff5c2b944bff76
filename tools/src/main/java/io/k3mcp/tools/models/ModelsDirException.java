package io.k3mcp.tools.models;

/**
 * A models directory or its models.json that the server cannot start with; the message names the
 * directory or file (and the entry). {@link #badDirectory} tells a bad --models-dir value from bad file content.
 */
public final class ModelsDirException extends Exception {
    private final boolean badDirectory;

    ModelsDirException(String message, boolean badDirectory) {
        super(message);
        this.badDirectory = badDirectory;
    }

    /** True when the directory itself is missing or unreadable, false when its models.json is wrong. */
    public boolean badDirectory() {
        return badDirectory;
    }
}
