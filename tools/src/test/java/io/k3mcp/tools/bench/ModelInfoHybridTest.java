package io.k3mcp.tools.bench;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufTensor;
import io.k3mcp.engine.synthetic.Qwen35Layout;
import io.k3mcp.engine.synthetic.SyntheticModelWriter;
import io.k3mcp.engine.synthetic.SyntheticPlan;
import io.k3mcp.engine.synthetic.SyntheticShape;
import io.k3mcp.engine.synthetic.SyntheticType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A hybrid's bytes per decoded token add each delta-net layer's recurrent state and conv window (F32) to its weights. */
class ModelInfoHybridTest {
    @TempDir
    Path tmp;

    @Test
    void weightBytesPerTokenAddTheRecurrentStateOfEachDeltaNetLayer() throws IOException {
        // 4 layers, the 4th full attention; S 32, 4 K heads, 8 V heads: conv over 2*128 + 256 = 512 channels
        SyntheticShape shape = new SyntheticShape("info-hybrid", "qwen35moe", 256, 4, 4, 2, 64, 128, 320, 256, 1e7f, 1e-6f,
                false, new SyntheticShape.Experts(8, 2, 128), new Qwen35Layout(4, 32, 4, 8, 4, 16, 128));
        Path p = tmp.resolve("info-hybrid.gguf");
        SyntheticModelWriter.write(SyntheticPlan.of(shape, SyntheticType.Q8_0), p);
        try (GgufFile f = GgufFile.open(p)) {
            long weights = 0;
            for (GgufTensor t : f.tensors()) {
                if (t.name().endsWith("_exps.weight")) {
                    weights += t.byteSize() / 4; // 2 of 8 experts
                } else if (t.name().equals("token_embd.weight")) {
                    weights += t.byteSize() / 320;
                } else {
                    weights += t.byteSize();
                }
            }
            long state = 3L * (8 * 32 * 32 + 3 * 512) * Float.BYTES;
            assertEquals(3, f.tensors().stream().filter(t -> t.name().endsWith("ssm_conv1d.weight")).count());
            assertEquals(weights + state, ModelInfo.of(f).weightBytesPerToken());
        }
    }
}
