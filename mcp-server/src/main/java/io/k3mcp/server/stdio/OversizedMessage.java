package io.k3mcp.server.stdio;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the JSON-RPC id of a message too large to parse, from its first and last bytes, so the refusal
 * answers the request and the client does not wait for a reply that never comes. Clients put the id
 * either first (after "jsonrpc") or last; only those two anchored positions are trusted.
 */
final class OversizedMessage {
    private static final String ID = "\"id\"\\s*:\\s*(-?\\d+|\"(?:[^\"\\\\]|\\\\.)*\")";
    private static final Pattern AT_START = Pattern.compile(
            "^\\s*\\{\\s*(?:\"jsonrpc\"\\s*:\\s*\"2\\.0\"\\s*,\\s*)?" + ID);
    private static final Pattern AT_END = Pattern.compile(",\\s*" + ID + "\\s*}\\s*$");

    private OversizedMessage() {
    }

    /** The id as a Long or String, or null when neither end holds one. */
    static Object id(String head, String tail) {
        for (Matcher m : new Matcher[] {AT_START.matcher(head == null ? "" : head),
                AT_END.matcher(tail == null ? "" : tail)}) {
            if (m.find()) {
                String raw = m.group(1);
                if (raw.startsWith("\"")) {
                    return raw.substring(1, raw.length() - 1);
                }
                try {
                    return Long.parseLong(raw);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
