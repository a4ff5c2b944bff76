#!/usr/bin/env python3
"""A minimal MCP server over stdio (JSON-RPC lines) with one tool, `echo`, for testing `k3mcp eval`
without depending on `k3mcp serve`: the echo result's structuredContent is {"echo": <arguments>}."""
import json
import sys

TOOLS = [{
    "name": "echo",
    "description": "returns its arguments",
    "inputSchema": {"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]},
    "outputSchema": {"type": "object", "properties": {"echo": {"type": "object"}}, "required": ["echo"]},
}]


def answer(req):
    method, params = req.get("method"), req.get("params") or {}
    if method == "initialize":
        return {"protocolVersion": params.get("protocolVersion", "2025-06-18"),
                "capabilities": {"tools": {"listChanged": False}},
                "serverInfo": {"name": "contract-fake", "version": "0"}}
    if method == "ping":
        return {}
    if method == "tools/list":
        return {"tools": TOOLS}
    if method == "tools/call":
        args = params.get("arguments") or {}
        if params.get("name") != "echo":
            return {"isError": True, "content": [{"type": "text", "text": f"unknown tool {params.get('name')}"}]}
        if not isinstance(args.get("word"), str):
            return {"isError": True, "content": [{"type": "text", "text": "word: required string"}]}
        out = {"echo": args}
        return {"content": [{"type": "text", "text": json.dumps(out)}], "structuredContent": out, "isError": False}
    raise LookupError(method)


for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    if "id" not in req:
        continue  # a notification: nothing to answer
    try:
        reply = {"jsonrpc": "2.0", "id": req["id"], "result": answer(req)}
    except LookupError as e:
        reply = {"jsonrpc": "2.0", "id": req["id"], "error": {"code": -32601, "message": f"method not found: {e}"}}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
