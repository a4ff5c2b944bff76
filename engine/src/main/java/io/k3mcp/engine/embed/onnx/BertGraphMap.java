package io.k3mcp.engine.embed.onnx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, by walking an exported HF BERT graph, which initializer is which GGUF tensor and the hyper-parameters
 * that live only in the graph. Embedding tables are the Gathers fed by {@code input_ids} / {@code token_type_ids}
 * (the third is the position table); a Linear's weight is the MatMul initializer whose output the Add with its
 * named bias consumes (ONNX stores it [in, out], so it must be transposed); LayerNorm epsilon is the constant
 * added to the variance; the head count is the third entry of the shape the query is reshaped to.
 */
final class BertGraphMap {
    /** One GGUF tensor's source: the initializer and whether it is an ONNX [in, out] matrix to transpose. */
    record Source(OnnxTensor tensor, boolean transpose) {
    }

    private static final Pattern LAYER = Pattern.compile("^(?:bert\\.)?encoder\\.layer\\.(\\d+)\\.(.+)$");
    private static final Map<String, String> LINEAR = Map.of(
            "attention.self.query", "attn_q",
            "attention.self.key", "attn_k",
            "attention.self.value", "attn_v",
            "attention.output.dense", "attn_output",
            "intermediate.dense", "ffn_up",
            "output.dense", "ffn_down");
    private static final Map<String, String> NORMS = Map.of(
            "attention.output.LayerNorm", "attn_output_norm",
            "output.LayerNorm", "layer_output_norm");

    private final OnnxGraph graph;
    private final String what;
    final Map<String, Source> tensors = new LinkedHashMap<>();
    float eps = Float.NaN;
    int heads;
    int layers;

    BertGraphMap(OnnxGraph graph, String what) {
        this.graph = graph;
        this.what = what;
        embeddings();
        linearsAndNorms();
        heads = headCount();
    }

    private void embeddings() {
        String positions = null;
        for (OnnxNode n : graph.nodes()) {
            OnnxTensor table = n.opType().equals("Gather") ? graph.initializer(n.input(0)) : null;
            if (table == null || table.dims().length != 2) {
                continue;
            }
            switch (n.input(1)) {
                case "input_ids" -> tensors.put("token_embd.weight", new Source(table, false));
                case "token_type_ids" -> tensors.put("token_types.weight", new Source(table, false));
                default -> {
                    if (positions != null) {
                        throw fail("two candidate position-embedding tables: " + positions + " and " + table.name());
                    }
                    positions = table.name();
                    tensors.put("position_embd.weight", new Source(table, false));
                }
            }
        }
        for (String t : List.of("token_embd.weight", "position_embd.weight", "token_types.weight")) {
            if (!tensors.containsKey(t)) {
                throw fail("no Gather of an embedding table for " + t + " (inputs " + graph.inputs() + ")");
            }
        }
        OnnxTensor tok = tensors.get("token_embd.weight").tensor();
        norm(tok.name().replace("word_embeddings.weight", "LayerNorm"), "token_embd_norm");
    }

    private void linearsAndNorms() {
        for (OnnxNode n : graph.nodes()) {
            OnnxTensor w = n.opType().equals("MatMul") ? graph.initializer(n.input(1)) : null;
            if (w == null || w.dims().length != 2) {
                continue;
            }
            String bias = biasOf(n.outputs().get(0))
                    .orElseThrow(() -> fail("MatMul '" + n.name() + "' of " + w.name() + " has no Add of a named bias after it"));
            Matcher m = LAYER.matcher(bias.substring(0, bias.length() - ".bias".length()));
            String role = m.matches() ? LINEAR.get(m.group(2)) : null;
            if (role == null) {
                throw fail("bias '" + bias + "' is not a BERT encoder Linear k3mcp knows");
            }
            int layer = Integer.parseInt(m.group(1));
            layers = Math.max(layers, layer + 1);
            String prefix = "blk." + layer + "." + role;
            tensors.put(prefix + ".weight", new Source(w, true));
            tensors.put(prefix + ".bias", new Source(graph.initializer(bias), false));
        }
        if (layers == 0) {
            throw fail("no encoder layers found (no MatMul with a named bias)");
        }
        for (int i = 0; i < layers; i++) {
            String hf = "encoder.layer." + i + ".";
            String base = graph.initializer(hf + "output.LayerNorm.weight") != null ? hf : "bert." + hf;
            for (Map.Entry<String, String> e : NORMS.entrySet()) {
                norm(base + e.getKey(), "blk." + i + "." + e.getValue());
            }
        }
    }

    /** The 1-D initializer, named *.bias, that an Add consuming {@code value} adds. */
    private Optional<String> biasOf(String value) {
        for (OnnxNode add : graph.consumers(value)) {
            if (!add.opType().equals("Add")) {
                continue;
            }
            for (String in : add.inputs()) {
                OnnxTensor t = graph.initializer(in);
                if (t != null && t.dims().length == 1 && in.endsWith(".bias")) {
                    return Optional.of(in);
                }
            }
        }
        return Optional.empty();
    }

    /** Records the LayerNorm {@code hf}.weight/.bias as {@code gguf}.weight/.bias and reads its epsilon. */
    private void norm(String hf, String gguf) {
        OnnxTensor w = graph.initializer(hf + ".weight");
        OnnxTensor b = graph.initializer(hf + ".bias");
        if (w == null || b == null) {
            throw fail("LayerNorm " + hf + " has no .weight/.bias initializer");
        }
        tensors.put(gguf + ".weight", new Source(w, false));
        tensors.put(gguf + ".bias", new Source(b, false));
        float e = epsilonOf(w.name());
        if (!Float.isNaN(eps) && e != eps) {
            throw fail("LayerNorms use different epsilons (" + eps + " and " + e + " at " + hf + ")");
        }
        eps = e;
    }

    /** A fused LayerNormalization's attribute, or the constant in Mul(Div(x - mean, Sqrt(Add(var, eps))), weight). */
    private float epsilonOf(String weight) {
        for (OnnxNode n : graph.consumers(weight)) {
            if (n.opType().equals("LayerNormalization")) {
                OnnxNode.Attribute a = n.attributes().get("epsilon");
                return a != null && a.f() != null ? a.f() : 1e-5f;
            }
            if (!n.opType().equals("Mul")) {
                continue;
            }
            String normalized = n.input(0).equals(weight) ? n.input(1) : n.input(0);
            Optional<Float> eps = graph.producer(normalized).filter(d -> d.opType().equals("Div"))
                    .flatMap(d -> graph.producer(d.input(1))).filter(s -> s.opType().equals("Sqrt"))
                    .flatMap(s -> graph.producer(s.input(0))).filter(a -> a.opType().equals("Add"))
                    .flatMap(a -> graph.constant(a.input(1)).or(() -> graph.constant(a.input(0))))
                    .map(t -> t.floats()[0]);
            if (eps.isPresent()) {
                return eps.get();
            }
        }
        throw fail("cannot find the epsilon of the LayerNorm with weight " + weight);
    }

    /** Reshape(query, [batch, seq, heads, headDim]): the shape is a constant or a Concat of constants. */
    private int headCount() {
        OnnxTensor qBias = tensors.get("blk.0.attn_q.bias").tensor();
        for (OnnxNode add : graph.consumers(qBias.name())) {
            for (OnnxNode reshape : graph.consumers(add.outputs().get(0))) {
                if (!reshape.opType().equals("Reshape")) {
                    continue;
                }
                Optional<Long> h = graph.constant(reshape.input(1)).map(t -> t.longs()[2])
                        .or(() -> graph.producer(reshape.input(1)).filter(c -> c.opType().equals("Concat"))
                                .flatMap(c -> graph.constant(c.input(2))).map(t -> t.longs()[0]));
                if (h.isPresent() && h.get() > 0 && h.get() <= Integer.MAX_VALUE) {
                    return (int) (long) h.get();
                }
            }
        }
        throw fail("cannot find the attention head count (no Reshape of the query to [batch, seq, heads, head_dim])");
    }

    private OnnxFormatException fail(String message) {
        return new OnnxFormatException(what + ": " + message);
    }
}
