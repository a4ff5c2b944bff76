package io.k3mcp.engine.chat.jinja;

import java.util.List;
import java.util.Map;

/** Anything callable from a template: globals, bound methods, macros. */
@FunctionalInterface
interface JinjaFunction {
    Object call(List<Object> args, Map<String, Object> kwargs);
}
