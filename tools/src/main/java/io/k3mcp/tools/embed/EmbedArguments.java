package io.k3mcp.tools.embed;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.engine.embed.Pooling;
import io.k3mcp.tools.ModelResolver;
import io.k3mcp.tools.KnownArguments;
import io.k3mcp.tools.ToolInputException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Validates raw {@code embed} arguments; every message names the argument. */
final class EmbedArguments {
    private static final Set<String> KNOWN = Set.of("model", "texts", "pooling", "normalize", "truncate");

    private EmbedArguments() {
    }

    static EmbedInput parse(JsonNode args, ModelResolver resolver) throws ToolInputException {
        if (args == null || !args.isObject()) {
            throw new ToolInputException("arguments", "expected an object with at least \"texts\"");
        }
        KnownArguments.check(args, KNOWN);
        return new EmbedInput(model(args.get("model"), resolver), texts(args.get("texts")), pooling(args.get("pooling")),
                bool(args, "normalize", true), bool(args, "truncate", false));
    }

    private static Path model(JsonNode v, ModelResolver resolver) throws ToolInputException {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty() || v.asText().length() > EmbedTool.MAX_PATH_CHARS) {
            throw new ToolInputException("model", "expected a model name or file path of 1.." + EmbedTool.MAX_PATH_CHARS
                    + " characters");
        }
        return resolver.resolve("model", v.asText());
    }

    private static List<String> texts(JsonNode v) throws ToolInputException {
        if (v == null || !v.isArray()) {
            throw new ToolInputException("texts", "required: an array of 1.." + EmbedTool.MAX_TEXTS + " strings");
        }
        if (v.isEmpty() || v.size() > EmbedTool.MAX_TEXTS) {
            throw new ToolInputException("texts", "has " + v.size() + " items; expected 1.." + EmbedTool.MAX_TEXTS);
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode t = v.get(i);
            if (!t.isTextual()) {
                throw new ToolInputException("texts", "item " + i + " is " + t.getNodeType() + ", expected a string");
            }
            if (t.asText().length() > EmbedTool.MAX_TEXT_CHARS) {
                throw new ToolInputException("texts", "item " + i + " has " + t.asText().length() + " characters; at most "
                        + EmbedTool.MAX_TEXT_CHARS);
            }
            out.add(t.asText());
        }
        return out;
    }

    private static Pooling pooling(JsonNode v) throws ToolInputException {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ToolInputException("pooling", "expected one of mean, cls, last, none");
        }
        try {
            return Pooling.parse(v.asText());
        } catch (IllegalArgumentException e) {
            throw new ToolInputException("pooling", e.getMessage());
        }
    }

    private static boolean bool(JsonNode args, String name, boolean fallback) throws ToolInputException {
        JsonNode v = args.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new ToolInputException(name, "expected true or false, got " + v);
        }
        return v.asBoolean();
    }
}
