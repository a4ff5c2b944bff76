package io.k3mcp.tools.bench;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufTensor;
import io.k3mcp.engine.synthetic.SyntheticModelWriter;
import io.k3mcp.engine.synthetic.SyntheticPlan;
import io.k3mcp.engine.synthetic.SyntheticShape;
import io.k3mcp.engine.synthetic.SyntheticType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A mixture-of-experts model's bytes per decoded token count the experts a token uses, not all of them. */
class ModelInfoExpertsTest {
    @TempDir
    Path tmp;

    @Test
    void weightBytesPerTokenCountTheUsedShareOfTheExperts() throws IOException {
        SyntheticShape shape = new SyntheticShape("info-moe", "qwen3moe", 256, 2, 4, 2, 64, 512, 320, 256, 1e6f, 1e-6f,
                false, true, "gpt2", "qwen2", new SyntheticShape.Experts(8, 2, 256), null);
        Path p = tmp.resolve("info-moe.gguf");
        SyntheticModelWriter.write(SyntheticPlan.of(shape, SyntheticType.Q8_0), p);
        try (GgufFile f = GgufFile.open(p)) {
            long expected = 0;
            long expertBytes = 0;
            for (GgufTensor t : f.tensors()) {
                if (t.name().endsWith("_exps.weight")) {
                    expertBytes += t.byteSize();
                    expected += t.byteSize() / 4; // 2 of 8 experts
                } else if (t.name().equals("token_embd.weight")) {
                    expected += t.byteSize() / 320;
                } else {
                    expected += t.byteSize();
                }
            }
            assertEquals(6, f.tensors().stream().filter(t -> t.name().endsWith("_exps.weight")).count());
            ModelInfo info = ModelInfo.of(f);
            assertEquals(expected, info.weightBytesPerToken());
            assertEquals(expertBytes * 3 / 4, info.size() - info.weightBytesPerToken()
                    - f.require("token_embd.weight").byteSize() * 319 / 320, "the unused experts' bytes are not read");
        }
    }
}
