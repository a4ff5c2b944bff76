package io.k3mcp.engine.model;

import io.k3mcp.engine.testing.GgufCopy;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A gemma4 file missing what its keys call for, or carrying what k3mcp does not run, is refused by tensor name. */
class Gemma4LoadErrorsTest {
    @TempDir
    Path dir;

    private String loadError(GgufCopy copy) throws IOException {
        Path f = copy.write(dir.resolve("bad.gguf"));
        return assertThrows(UnsupportedModelException.class, () -> Model.load(f, ReferenceKernels.INSTANCE)).getMessage();
    }

    @Test
    void missingPerLayerRopeAndKvTensorsAreNamed() throws IOException {
        Path mini = Shared.model("new-archs/gemma4-mini-f16.gguf");
        for (String t : new String[] {"per_layer_proj_norm.weight", "rope_freqs.weight", "blk.2.attn_k.weight",
                                      "blk.6.inp_gate.weight"}) {
            String m = loadError(GgufCopy.of(mini).remove(t));
            assertTrue(m.contains("required tensor '" + t + "' is missing (architecture gemma4)"), m);
        }
        // attn_v is optional in gemma4 (attention_k_eq_v: V is the raw K projection)
        Path noV = GgufCopy.of(mini).remove("blk.3.attn_v.weight").write(dir.resolve("k_eq_v.gguf"));
        try (Model m = Model.load(noV, ReferenceKernels.INSTANCE)) {
            assertNull(m.weights().layers().get(3).wv());
        }
    }

    @Test
    void expertTensorsTheLayerNeedsOrDoesNotRunAreNamed() throws IOException {
        Path moe = Shared.model("new-archs/gemma4-moe-mini-f16.gguf");
        String scale = loadError(GgufCopy.of(moe).remove("blk.0.ffn_gate_inp.scale"));
        assertTrue(scale.contains("required tensor 'blk.0.ffn_gate_inp.scale' is missing"), scale);
        String gateScale = loadError(GgufCopy.of(moe).rename("blk.1.ffn_down_exps.scale", "blk.1.ffn_gate_exps.scale"));
        assertTrue(gateScale.contains("tensor 'blk.1.ffn_gate_exps.scale' (per-expert gate/up scales) is not supported yet"), gateScale);
        String dense = loadError(GgufCopy.of(moe).remove("blk.4.ffn_up.weight"));
        assertTrue(dense.contains("required tensor 'blk.4.ffn_up.weight' is missing"), dense);
    }
}
