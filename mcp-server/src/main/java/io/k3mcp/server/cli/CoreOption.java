package io.k3mcp.server.cli;

import io.k3mcp.engine.session.KernelsChoice;

/** {@code --cores}: a cpu list for the kernel workers; a malformed list is a usage error naming the flag. */
final class CoreOption {
    private CoreOption() {
    }

    static int[] resolve(String cores) {
        try {
            return KernelsChoice.parseCpuList(cores);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cores: " + e.getMessage());
        }
    }
}
