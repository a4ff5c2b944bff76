package io.k3mcp.engine.chat;

import io.k3mcp.engine.gguf.GgufValueType;
import io.k3mcp.engine.testing.GgufCopy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Test helper: a copy of a shared model file with {@code tokenizer.chat_template} added, and fixture templates. */
public final class TemplateModels {
    private TemplateModels() {
    }

    /** Writes {@code src} to {@code dst} with the given chat template added to its metadata. */
    public static Path withTemplate(Path src, Path dst, String template) throws IOException {
        return GgufCopy.of(src).put(ChatTemplate.GGUF_KEY, GgufValueType.STRING, template).write(dst);
    }

    /** A published template from the test fixtures (chat/templates/NAME.jinja). */
    public static String fixtureTemplate(String name) throws IOException {
        return resource("chat/templates/" + name + ".jinja");
    }

    public static String resource(String path) throws IOException {
        try (InputStream in = TemplateModels.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
