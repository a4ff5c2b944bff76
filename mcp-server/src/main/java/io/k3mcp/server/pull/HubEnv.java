package io.k3mcp.server.pull;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Hugging Face settings as its own tools read them: {@code HF_ENDPOINT} (default https://huggingface.co),
 * and the token from {@code HF_TOKEN}, else the file {@code HF_TOKEN_PATH}, else {@code $HF_HOME/token}
 * (HF_HOME defaulting to ~/.cache/huggingface), where {@code huggingface-cli login} writes it.
 */
public record HubEnv(URI endpoint, String token) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public static HubEnv from(Map<String, String> env, Path home) throws IOException {
        String endpoint = nonBlank(env.get("HF_ENDPOINT"));
        return new HubEnv(URI.create(stripSlash(endpoint != null ? endpoint : DEFAULT_ENDPOINT)), token(env, home));
    }

    private static String token(Map<String, String> env, Path home) throws IOException {
        String token = nonBlank(env.get("HF_TOKEN"));
        if (token != null) {
            return token;
        }
        String explicit = nonBlank(env.get("HF_TOKEN_PATH"));
        String hfHome = nonBlank(env.get("HF_HOME"));
        Path file = explicit != null ? Path.of(explicit)
                : (hfHome != null ? Path.of(hfHome) : home.resolve(".cache/huggingface")).resolve("token");
        return Files.isRegularFile(file) ? nonBlank(Files.readString(file).trim()) : null;
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
