package io.k3mcp.engine.model;

import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** hiddenStates (what embedding models pool) is forward's input to the LM head, in any batch size. */
class TransformerHiddenStatesTest {
    private static final Kernels K = ReferenceKernels.INSTANCE;

    @Test
    void lastHiddenStateThroughTheOutputMatrixGivesForwardsLogits() throws IOException {
        try (Model model = Model.load(Shared.model("qwen3-mini-f16.gguf"), K)) {
            ModelConfig c = model.config();
            int[] ids = {39, 301, 385, 289, 269};
            float[] logits = new Transformer(model, K).forward(new KvCache(c, 8, GgmlType.F16), ids, false);
            float[] hidden = new Transformer(model, K, 2).hiddenStates(new KvCache(c, 8, GgmlType.F16), ids);
            assertEquals(ids.length * c.nEmbd(), hidden.length);
            FloatBuffer last = Buffers.floats(c.nEmbd());
            last.put(0, hidden, (ids.length - 1) * c.nEmbd(), c.nEmbd());
            FloatBuffer projected = Buffers.floats(c.nVocab());
            Matrix out = model.weights().output();
            K.matmul(out.type(), out.data(), c.nVocab(), c.nEmbd(), last, projected, 1);
            for (int v = 0; v < c.nVocab(); v++) {
                assertEquals(logits[v], projected.get(v), 1e-4, "logit " + v);
            }
        }
    }
}
