package io.k3mcp.engine.chat.jinja;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Published chat templates rendered by our Jinja must equal the renderings of @huggingface/jinja (the
 * JavaScript implementation Hugging Face maintains), stored beside them as {@code <name>.cases.json}
 * (regenerate with src/test/node/render.mjs; where each template came from: chat/SOURCES.md). A case
 * with "error" is one where the template raises; ours must raise with the same message.
 */
class TemplateFixturesTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final List<String> TEMPLATES = List.of("llama3.2", "llama3.3", "qwen2.5", "qwen3", "gemma3", "tinyllama",
            "mistral-nemo", "gemma4");

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String t : TEMPLATES) {
            String src = resource("chat/templates/" + t + ".jinja");
            List<Map<String, Object>> cases = M.readValue(resource("chat/" + t + ".cases.json"), new TypeReference<>() { });
            for (Map<String, Object> c : cases) {
                out.add(Arguments.of(t + "/" + c.get("name"), src, c.get("context"), c.get("expected"), c.get("error")));
            }
        }
        return out.stream();
    }

    static String resource(String path) throws IOException {
        try (InputStream in = TemplateFixturesTest.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void rendersLikeHuggingFace(String name, String template, Object context, String expected, String error) {
        JinjaTemplate compiled = JinjaTemplate.compile(template);
        Map<String, Object> ctx = (Map<String, Object>) context;
        if (error != null) {
            TemplateException e = assertThrows(TemplateException.class, () -> compiled.render(ctx), name);
            assertTrue(e.getMessage().contains(error), name + ": " + e.getMessage());
        } else {
            assertEquals(expected, compiled.render(ctx), name);
        }
    }
}
