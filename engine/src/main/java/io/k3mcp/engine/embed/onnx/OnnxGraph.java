package io.k3mcp.engine.embed.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ONNX graph: nodes in file (topological) order, initializers by name, and the indexes a converter needs
 * to walk it: which node produces a value and which nodes consume it.
 */
public final class OnnxGraph {
    private final List<OnnxNode> nodes;
    private final Map<String, OnnxTensor> initializers;
    private final List<String> inputs;
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();

    OnnxGraph(List<OnnxNode> nodes, Map<String, OnnxTensor> initializers, List<String> inputs) {
        this.nodes = List.copyOf(nodes);
        this.initializers = Map.copyOf(initializers);
        this.inputs = List.copyOf(inputs);
        for (OnnxNode n : nodes) {
            for (String out : n.outputs()) {
                producers.put(out, n);
            }
            for (String in : n.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
    }

    public List<OnnxNode> nodes() {
        return nodes;
    }

    public Map<String, OnnxTensor> initializers() {
        return initializers;
    }

    /** Names of the graph's inputs (initializers excluded where the file lists them too). */
    public List<String> inputs() {
        return inputs;
    }

    public Optional<OnnxNode> producer(String value) {
        return Optional.ofNullable(producers.get(value));
    }

    public List<OnnxNode> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    public OnnxTensor initializer(String name) {
        return initializers.get(name);
    }

    /** The constant behind a value: an initializer or a Constant node's value, if it is one. */
    public Optional<OnnxTensor> constant(String value) {
        OnnxTensor t = initializers.get(value);
        if (t != null) {
            return Optional.of(t);
        }
        return producer(value).filter(n -> n.opType().equals("Constant") && n.attributes().containsKey("value"))
                .map(n -> n.attributes().get("value").t());
    }
}
