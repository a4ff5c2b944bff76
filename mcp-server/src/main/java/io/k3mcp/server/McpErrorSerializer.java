package io.k3mcp.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;

/**
 * Writes an {@link McpError} as a JSON-RPC error response. The SDK's HTTP transports put a bare
 * McpError into the body of their 4xx answers (no session header, unknown session, malformed body);
 * serialised as a plain bean that would be the exception with its stack trace.
 */
final class McpErrorSerializer extends StdSerializer<McpError> {
    McpErrorSerializer() {
        super(McpError.class);
    }

    @Override
    public void serialize(McpError error, JsonGenerator json, SerializerProvider provider) throws IOException {
        McpSchema.JSONRPCResponse.JSONRPCError rpc = error.getJsonRpcError();
        json.writeStartObject();
        json.writeStringField("jsonrpc", McpSchema.JSONRPC_VERSION);
        json.writeNullField("id");
        json.writeObjectFieldStart("error");
        json.writeNumberField("code", rpc == null ? McpSchema.ErrorCodes.INTERNAL_ERROR : rpc.code());
        json.writeStringField("message", rpc == null ? String.valueOf(error.getMessage()) : firstLine(rpc.message()));
        json.writeEndObject();
        json.writeEndObject();
    }

    /** Jackson's parse messages carry a location paragraph after the first line. */
    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
