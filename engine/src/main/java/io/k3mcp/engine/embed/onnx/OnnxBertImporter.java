package io.k3mcp.engine.embed.onnx;

import io.k3mcp.engine.gguf.GgufValueType;
import io.k3mcp.engine.gguf.GgufWriter;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts an ONNX export of a HF BERT sentence encoder plus its {@code tokenizer.json} into a llama.cpp-layout
 * {@code bert} GGUF (GGUF-NOTES section 3), tensors in llama.cpp's order. With {@link Precision#F16}, 2-D
 * matrices and the token table are stored F16 and the position/type tables, norms and biases F32, as
 * llama.cpp's converter does.
 */
public final class OnnxBertImporter {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxBertImporter.class);

    /** Storage type of the matrices. */
    public enum Precision { F32, F16 }

    /** Provenance written to {@code general.*}. */
    public record ModelInfo(String name, String license, String sourceUrl) {
    }

    private OnnxBertImporter() {
    }

    /** Reads the graph and vocabulary and writes {@code out}; errors name the file and what is missing. */
    public static void convert(ByteBuffer onnx, InputStream tokenizerJson, String what, ModelInfo info, Precision precision,
                               Path out, Kernels kernels) throws IOException {
        OnnxGraph graph = OnnxParser.parse(onnx, what);
        BertGraphMap map = new BertGraphMap(graph, what);
        HfWordPieceVocab vocab = HfWordPieceVocab.read(tokenizerJson, what + " tokenizer.json");
        if (!vocab.lowercase()) {
            throw new OnnxFormatException(what + ": the tokenizer is cased; k3mcp's WordPiece supports uncased vocabularies");
        }
        long[] tok = map.tensors.get("token_embd.weight").tensor().dims();
        if (tok[0] != vocab.tokens().length) {
            throw new OnnxFormatException(what + ": the token table has " + tok[0] + " rows but tokenizer.json has "
                    + vocab.tokens().length + " tokens");
        }
        int dim = (int) tok[1];
        GgufWriter w = new GgufWriter();
        metadata(w, map, vocab, info, precision, dim);
        List<String> order = tensorOrder(map.layers);
        for (String name : order) {
            BertGraphMap.Source s = map.tensors.get(name);
            if (s == null) {
                throw new OnnxFormatException(what + ": no source for tensor " + name);
            }
            addTensor(w, name, s, precision, kernels);
        }
        w.write(out);
        LOG.info("imported onnx={} out={} layers={} dim={} heads={} eps={} vocab={} precision={}",
                what, out, map.layers, dim, map.heads, map.eps, vocab.tokens().length, precision);
    }

    private static void metadata(GgufWriter w, BertGraphMap map, HfWordPieceVocab vocab, ModelInfo info,
                                 Precision precision, int dim) {
        long ctx = map.tensors.get("position_embd.weight").tensor().dims()[0];
        long types = map.tensors.get("token_types.weight").tensor().dims()[0];
        long ffn = map.tensors.get("blk.0.ffn_up.weight").tensor().dims()[1];
        w.putString("general.architecture", "bert");
        w.putString("general.type", "model");
        w.putString("general.name", info.name());
        w.putString("general.license", info.license());
        w.putString("general.source.url", info.sourceUrl());
        w.putU32("general.file_type", precision == Precision.F16 ? 1 : 0);
        w.putU32("bert.context_length", ctx);
        w.putU32("bert.embedding_length", dim);
        w.putU32("bert.feed_forward_length", ffn);
        w.putU32("bert.block_count", map.layers);
        w.putU32("bert.attention.head_count", map.heads);
        w.putF32("bert.attention.layer_norm_epsilon", map.eps);
        w.putBool("bert.attention.causal", false);
        w.putU32("bert.pooling_type", 1);
        w.putU32("tokenizer.ggml.token_type_count", types);
        w.putString("tokenizer.ggml.model", "bert");
        w.putString("tokenizer.ggml.pre", "bert-bge");
        w.putArray("tokenizer.ggml.tokens", GgufValueType.STRING, vocab.tokens());
        long[] typeIds = new long[vocab.types().length];
        for (int i = 0; i < typeIds.length; i++) {
            typeIds[i] = vocab.types()[i];
        }
        w.putArray("tokenizer.ggml.token_type", GgufValueType.INT32, typeIds);
        w.putU32("tokenizer.ggml.bos_token_id", vocab.cls());
        w.putU32("tokenizer.ggml.unknown_token_id", vocab.unk());
        w.putU32("tokenizer.ggml.seperator_token_id", vocab.sep());
        w.putU32("tokenizer.ggml.padding_token_id", vocab.pad());
        w.putU32("tokenizer.ggml.cls_token_id", vocab.cls());
        w.putU32("tokenizer.ggml.mask_token_id", vocab.mask());
        w.putBool("tokenizer.ggml.add_bos_token", true);
        w.putBool("tokenizer.ggml.add_sep_token", true);
        w.putBool("tokenizer.ggml.add_eos_token", false);
    }

    /** llama.cpp's tensor order: the embeddings, then each layer's tensors in forward order. */
    static List<String> tensorOrder(int layers) {
        List<String> names = new ArrayList<>(List.of("token_embd.weight", "position_embd.weight", "token_types.weight",
                "token_embd_norm.weight", "token_embd_norm.bias"));
        for (int i = 0; i < layers; i++) {
            for (String t : List.of("attn_q", "attn_k", "attn_v", "attn_output", "attn_output_norm",
                    "ffn_up", "ffn_down", "layer_output_norm")) {
                names.add("blk." + i + "." + t + ".weight");
                names.add("blk." + i + "." + t + ".bias");
            }
        }
        return names;
    }

    private static void addTensor(GgufWriter w, String name, BertGraphMap.Source s, Precision precision, Kernels kernels) {
        long[] dims = s.tensor().dims();
        float[] values = s.tensor().floats();
        long[] ne;
        if (dims.length == 1) {
            ne = new long[] {dims[0]};
        } else if (s.transpose()) {
            // ONNX MatMul weight [in, out] row-major -> GGUF ne [in, out]: row r (output r) holds `in` values.
            values = transpose(values, (int) dims[0], (int) dims[1]);
            ne = new long[] {dims[0], dims[1]};
        } else {
            ne = new long[] {dims[1], dims[0]};
        }
        boolean half = precision == Precision.F16 && ne.length == 2
                && !name.equals("position_embd.weight") && !name.equals("token_types.weight");
        GgmlType type = half ? GgmlType.F16 : GgmlType.F32;
        FloatBuffer src = Buffers.floats(values.length);
        src.put(0, values);
        ByteBuffer bytes = Buffers.bytes(type.bytesFor(values.length));
        kernels.quantize(type, src, bytes, values.length);
        w.addTensor(name, type, ne, bytes);
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
