package io.k3mcp.engine.gguf;

/**
 * One metadata value. {@code value} is a boxed scalar (Long for every integer type — u64 values
 * above Long.MAX_VALUE read as negative and are rejected where used as sizes — Float, Double,
 * Boolean, String) or a {@link GgufArray}.
 */
public record GgufValue(GgufValueType type, Object value) {
}
