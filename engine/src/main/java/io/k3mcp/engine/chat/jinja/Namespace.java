package io.k3mcp.engine.chat.jinja;

import java.util.LinkedHashMap;

/** namespace(): a mutable object whose attributes survive loop scopes ({% set ns.x = ... %}). */
final class Namespace extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;
}
