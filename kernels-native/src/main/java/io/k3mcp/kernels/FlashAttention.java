package io.k3mcp.kernels;

import java.util.Locale;

/** llama.cpp's flash-attention setting (llama-bench -fa, its flash_attn field: -1 auto, 0 off, 1 on). */
public enum FlashAttention {
    AUTO(-1), OFF(0), ON(1);

    /** llama-bench's flash_attn value. */
    public final int value;

    FlashAttention(int value) {
        this.value = value;
    }

    /** on, off or auto (llama.cpp's names, also 1, 0, -1). */
    public static FlashAttention parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "on", "1" -> ON;
            case "off", "0" -> OFF;
            case "auto", "-1" -> AUTO;
            default -> throw new IllegalArgumentException("flash attention must be on, off or auto, not '" + name + "'");
        };
    }
}
