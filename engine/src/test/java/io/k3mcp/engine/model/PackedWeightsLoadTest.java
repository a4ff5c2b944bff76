package io.k3mcp.engine.model;

import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.NativeKernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transformer on the native kernels multiplies packed copies of every Q4_0, Q8_0, Q4_K and Q6_K product matrix (so
 * the golden tests on the native path run the packed kernels), made once per model and layout; the
 * reference packs nothing; a packed matrix still multiplies correctly under the reference (the file's
 * bytes are kept).
 */
class PackedWeightsLoadTest {

    @Test
    void nativeLoadPacksTheProductMatricesThatHaveALayout() throws IOException {
        NativeKernels nk = NativeKernels.shared(2, null, null);
        try (Model model = Model.load(Shared.model("llama-mini-q4_0.gguf"), ReferenceKernels.INSTANCE)) {
            ModelWeights w = model.weightsFor(nk);
            assertSame(w, model.weightsFor(nk), "packed once per model and layout");
            assertSame(w, new Transformer(model, nk).weights(), "the transformer multiplies the packed weights");
            List<Matrix> products = new ArrayList<>();
            for (LayerWeights lw : w.layers()) {
                products.addAll(List.of(lw.wq(), lw.wk(), lw.wv(), lw.wo(), lw.w1(), lw.w3(), lw.w2()));
            }
            int packed = 0;
            for (Matrix m : products) {
                if (java.util.Set.of(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q6_K).contains(m.type())) {
                    assertNotNull(m.packed(), m.name() + " is " + m.type() + " and should be packed");
                    assertTrue(nk.reads(m.packed()));
                    packed++;
                } else {
                    assertNull(m.packed(), m.name() + " (" + m.type() + ") has no packed layout");
                }
            }
            assertTrue(packed > 0, "the Q4_0 model has Q4_0 matrices");
            assertNull(w.tokenEmbedding().packed(), "lookups read the embedding's own rows");
            assertNull(model.weights().layers().get(0).w1().packed(), "the file's weights stay as they are");

            // the same product through the packed copy (native) and the file's bytes (reference)
            Matrix m = w.layers().get(0).w1();
            FloatBuffer x = Buffers.floats(m.cols());
            for (int i = 0; i < m.cols(); i++) {
                x.put(i, (float) Math.sin(i * 0.37));
            }
            FloatBuffer viaPacked = Buffers.floats(m.rows());
            FloatBuffer viaFile = Buffers.floats(m.rows());
            m.multiply(nk, x, viaPacked, 1);
            m.multiply(ReferenceKernels.INSTANCE, x, viaFile, 1);
            float scale = 0;
            for (int r = 0; r < m.rows(); r++) {
                scale = Math.max(scale, Math.abs(viaFile.get(r)));
            }
            for (int r = 0; r < m.rows(); r++) {
                assertEquals(viaFile.get(r), viaPacked.get(r), 2e-5f * scale, "row " + r);
            }
        }
    }

    @Test
    void theReferencePacksNothing() throws IOException {
        try (Model model = Model.load(Shared.model("llama-mini-q4_0.gguf"), ReferenceKernels.INSTANCE)) {
            assertSame(model.weights(), model.weightsFor(ReferenceKernels.INSTANCE));
        }
    }
}
