package io.k3mcp.engine.embed.onnx;

import java.util.List;
import java.util.Map;

/** An ONNX NodeProto: operator, input and output value names, and the attributes k3mcp reads. */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs, Map<String, Attribute> attributes) {

    /**
     * An AttributeProto, keeping the fields converters need: a float, an int, a tensor (Constant's value),
     * and int lists (axes, perm).
     */
    public record Attribute(String name, Float f, Long i, OnnxTensor t, long[] ints) {
    }

    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }
}
