package io.k3mcp.engine.embed.onnx;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the parts of an ONNX ModelProto a weight converter needs (onnx.proto field numbers): the graph's
 * nodes (with attributes), initializers and input names. Everything else is skipped. Tensor data is kept
 * as views of the input buffer, not copied.
 */
public final class OnnxParser {
    // ModelProto
    private static final int MODEL_GRAPH = 7;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    // AttributeProto
    private static final int ATTR_NAME = 1;
    private static final int ATTR_F = 2;
    private static final int ATTR_I = 3;
    private static final int ATTR_T = 5;
    private static final int ATTR_INTS = 8;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_INT64_DATA = 7;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_DATA_LOCATION = 14;
    // ValueInfoProto
    private static final int VALUE_INFO_NAME = 1;

    private OnnxParser() {
    }

    /** Parses a whole model file held in {@code bytes}; {@code what} names it in errors. */
    public static OnnxGraph parse(ByteBuffer bytes, String what) {
        ProtoReader model = new ProtoReader(bytes, 0, what);
        OnnxGraph graph = null;
        while (model.next()) {
            if (model.field() == MODEL_GRAPH) {
                graph = graph(model.message("graph"));
            } else {
                model.skip();
            }
        }
        if (graph == null) {
            throw new OnnxFormatException(what + ": no graph in the model (is this an ONNX file?)");
        }
        return graph;
    }

    private static OnnxGraph graph(ProtoReader r) {
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case GRAPH_NODE -> nodes.add(node(r.message("node")));
                case GRAPH_INITIALIZER -> {
                    OnnxTensor t = tensor(r.message("initializer"));
                    initializers.put(t.name(), t);
                }
                case GRAPH_INPUT -> inputs.add(valueInfoName(r.message("input")));
                default -> r.skip();
            }
        }
        inputs.removeIf(initializers::containsKey);
        return new OnnxGraph(nodes, initializers, inputs);
    }

    private static String valueInfoName(ProtoReader r) {
        String name = "";
        while (r.next()) {
            if (r.field() == VALUE_INFO_NAME) {
                name = r.string();
            } else {
                r.skip();
            }
        }
        return name;
    }

    private static OnnxNode node(ProtoReader r) {
        String name = "";
        String op = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, OnnxNode.Attribute> attributes = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case NODE_INPUT -> inputs.add(r.string());
                case NODE_OUTPUT -> outputs.add(r.string());
                case NODE_NAME -> name = r.string();
                case NODE_OP_TYPE -> op = r.string();
                case NODE_ATTRIBUTE -> {
                    OnnxNode.Attribute a = attribute(r.message("attribute"));
                    attributes.put(a.name(), a);
                }
                default -> r.skip();
            }
        }
        if (op.isEmpty()) {
            throw r.error("node '" + name + "' has no op_type");
        }
        return new OnnxNode(name, op, inputs, outputs, attributes);
    }

    private static OnnxNode.Attribute attribute(ProtoReader r) {
        String name = "";
        Float f = null;
        Long i = null;
        OnnxTensor t = null;
        ProtoReader.LongList ints = new ProtoReader.LongList();
        while (r.next()) {
            switch (r.field()) {
                case ATTR_NAME -> name = r.string();
                case ATTR_F -> f = r.fixed32Float();
                case ATTR_I -> i = r.varint();
                case ATTR_T -> t = tensor(r.message("t"));
                case ATTR_INTS -> r.int64s(ints);
                default -> r.skip();
            }
        }
        return new OnnxNode.Attribute(name, f, i, t, ints.toArray());
    }

    private static OnnxTensor tensor(ProtoReader r) {
        String name = "";
        int dataType = 0;
        ProtoReader.LongList dims = new ProtoReader.LongList();
        ProtoReader.LongList int64s = new ProtoReader.LongList();
        List<Float> floats = new ArrayList<>();
        ByteBuffer raw = null;
        while (r.next()) {
            switch (r.field()) {
                case TENSOR_DIMS -> r.int64s(dims);
                case TENSOR_DATA_TYPE -> dataType = (int) r.varint();
                case TENSOR_FLOAT_DATA -> readFloats(r, floats);
                case TENSOR_INT64_DATA -> r.int64s(int64s);
                case TENSOR_NAME -> name = r.string();
                case TENSOR_RAW_DATA -> raw = r.bytes();
                case TENSOR_DATA_LOCATION -> {
                    if (r.varint() != 0) {
                        throw r.error("tensor '" + name + "' keeps its data in an external file, which k3mcp does not read");
                    }
                }
                default -> r.skip();
            }
        }
        long[] d = dims.toArray();
        for (long dim : d) {
            if (dim < 0) {
                throw r.error("tensor '" + name + "' has a negative dimension " + dim);
            }
        }
        float[] fd = new float[floats.size()];
        for (int k = 0; k < fd.length; k++) {
            fd[k] = floats.get(k);
        }
        return new OnnxTensor(name, dataType, d, raw, fd, int64s.toArray());
    }

    /** float_data: packed (one length-delimited run of 4-byte floats) or one fixed32 per key. */
    private static void readFloats(ProtoReader r, List<Float> out) {
        if (r.wireType() == ProtoReader.FIXED32) {
            out.add(r.fixed32Float());
            return;
        }
        ByteBuffer run = r.bytes();
        if (run.remaining() % 4 != 0) {
            throw r.error("packed float_data of " + run.remaining() + " bytes is not a whole number of floats");
        }
        while (run.hasRemaining()) {
            out.add(run.getFloat());
        }
    }
}
