package io.k3mcp.board;

import java.util.Map;

/** The running kernel: release, version line, command line and the flags in it that matter here. */
public record KernelInfo(String release, String version, String cmdline, Map<String, String> flags) {
}
