package io.k3mcp.kernels;

/**
 * When a worker does the K3 AI-core handshake (write its TID to the ai-thread proc file) before it pins
 * itself. The numbers are k3k.h's K3K_AI_*.
 */
public enum AiPlacement {
    /** Never: plain sched_setaffinity. */
    NEVER(0),
    /** When the target cpu is an A100 core according to /proc/cpuinfo (the default). */
    AUTO(1),
    /** For every pinned worker (tests, or a kernel that does not name its cores). */
    ALWAYS(2);

    final int code;

    AiPlacement(int code) {
        this.code = code;
    }
}
