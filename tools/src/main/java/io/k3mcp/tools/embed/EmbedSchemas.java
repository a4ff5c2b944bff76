package io.k3mcp.tools.embed;

/** JSON Schemas of the {@code embed} tool's arguments and result. */
final class EmbedSchemas {
    private EmbedSchemas() {
    }

    static final String INPUT = """
            {
              "type": "object",
              "properties": {
                "model": {"type": "string", "minLength": 1, "maxLength": %d,
                  "description": "Name (see models://available) or path of a GGUF embedding model (bert, or a decoder with a pooling type). Default: the server's --embed-model, else the bundled all-MiniLM-L6-v2."},
                "texts": {"type": "array", "minItems": 1, "maxItems": %d,
                  "items": {"type": "string", "maxLength": %d},
                  "description": "Texts to embed; each is its own sequence. An empty string is allowed."},
                "pooling": {"type": "string", "enum": ["mean", "cls", "last", "none"],
                  "description": "How token vectors become one vector. Default: the model's own. none returns one vector per token."},
                "normalize": {"type": "boolean", "default": true, "description": "L2-normalise each vector."},
                "truncate": {"type": "boolean", "default": false,
                  "description": "Cut texts longer than the model's context length instead of failing."}
              },
              "required": ["texts"],
              "additionalProperties": false
            }
            """.formatted(EmbedTool.MAX_PATH_CHARS, EmbedTool.MAX_TEXTS, EmbedTool.MAX_TEXT_CHARS);

    static final String OUTPUT = """
            {
              "type": "object",
              "properties": {
                "model": {"type": "string"},
                "dim": {"type": "integer", "minimum": 1},
                "pooling": {"type": "string", "enum": ["mean", "cls", "last", "none"]},
                "normalized": {"type": "boolean"},
                "embeddings": {"type": "array", "items": {"type": "array", "items": {"type": "number"}},
                  "description": "One vector per text; with pooling none one per token, texts one after another."},
                "token_counts": {"type": "array", "items": {"type": "integer", "minimum": 0},
                  "description": "Tokens of each text, special tokens included."}
              },
              "required": ["model", "dim", "pooling", "normalized", "embeddings", "token_counts"]
            }
            """;
}
