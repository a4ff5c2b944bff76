package io.k3mcp.kernels;

/**
 * Whether the native kernels loaded in this process, and if not, why (so the caller can report it and
 * decide: there is no silent fallback). {@code isa} is the path chosen at run time, null when not loaded.
 */
public record NativeAvailability(boolean available, String reason, String isa) {
}
