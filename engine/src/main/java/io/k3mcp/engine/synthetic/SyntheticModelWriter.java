package io.k3mcp.engine.synthetic;

import io.k3mcp.engine.gguf.GgufWriter;
import io.k3mcp.kernels.quant.WeightQuantizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Writes a synthetic model: the shape's hyperparameters, a synthetic tokenizer, matrices of
 * N(0, 0.02) noise from a fixed seed (each row from its own generator, so the bytes do not depend on
 * thread scheduling), norms of 1.0, quantised row by row with k3mcp's {@link WeightQuantizer}.
 * Rows are produced in parallel groups and streamed, so memory stays at a few MiB per group.
 */
public final class SyntheticModelWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SyntheticModelWriter.class);
    public static final long SEED = 0x6b336d6370L;
    private static final float STDDEV = 0.02f;
    private static final int GROUP_BYTES = 4 << 20;

    private SyntheticModelWriter() {
    }

    /** Writes {@code plan} to {@code path} (atomically, through GgufWriter's temporary sibling). */
    public static void write(SyntheticPlan plan, Path path) throws IOException {
        SyntheticShape s = plan.shape();
        String a = s.arch();
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", a);
        w.putString("general.name", "k3mcp synthetic " + s.name());
        w.putU32("general.file_type", plan.type().fileType);
        if (plan.type() != SyntheticType.F16) {
            w.putU32("general.quantization_version", 2);
        }
        w.putString("k3mcp.synthetic", plan.identity());
        if (s.gemma4() != null) {
            s.gemma4().metadata(s, w);
        } else {
            commonMetadata(s, w);
            if (s.qwen35() != null) {
                s.qwen35().metadata(s, w); // its keys after the common ones (rope.dimension_count replaced)
            }
        }
        w.putU32(a + ".vocab_size", s.nVocab());
        SyntheticTokenizer.write(s, w);
        for (TensorSpec t : plan.tensors()) {
            w.addTensor(t.name(), t.type(), t.ne(), out -> writeTensor(t, out));
        }
        long start = System.nanoTime();
        w.write(path);
        LOG.info("synthetic model written path={} bytes={} seconds={}", path, plan.weightBytes(),
                String.format("%.1f", (System.nanoTime() - start) / 1e9));
    }

    /** The keys of the uniform architectures (llama, qwen3) and those a hybrid shares with them. */
    private static void commonMetadata(SyntheticShape s, GgufWriter w) {
        String a = s.arch();
        w.putU32(a + ".context_length", s.contextLength());
        w.putU32(a + ".embedding_length", s.nEmbd());
        w.putU32(a + ".block_count", s.nLayer());
        if (s.qwen35() == null || s.experts() == null) {
            w.putU32(a + ".feed_forward_length", s.nFf()); // real qwen35moe files have none (no dense FFN)
        }
        w.putU32(a + ".attention.head_count", s.nHead());
        w.putU32(a + ".attention.head_count_kv", s.nHeadKv());
        w.putF32(a + ".attention.layer_norm_rms_epsilon", s.rmsEps());
        w.putF32(a + ".rope.freq_base", s.ropeTheta());
        w.putU32(a + ".rope.dimension_count", s.headDim());
        if (s.headDim() * s.nHead() != s.nEmbd()) {
            w.putU32(a + ".attention.key_length", s.headDim());
            w.putU32(a + ".attention.value_length", s.headDim());
        }
        if (s.experts() != null) {
            w.putU32(a + ".expert_count", s.experts().count());
            w.putU32(a + ".expert_used_count", s.experts().used());
            w.putU32(a + ".expert_feed_forward_length", s.experts().ffn());
        }
    }

    private static void writeTensor(TensorSpec t, OutputStream out) throws IOException {
        int cols = Math.toIntExact(t.rowLength());
        int rows = Math.toIntExact(t.rows());
        int rowBytes = Math.toIntExact(t.type().bytesFor(cols));
        int group = Math.max(1, Math.min(rows, GROUP_BYTES / Math.max(1, rowBytes)));
        byte[] buf = new byte[group * rowBytes];
        long tensorSeed = SEED ^ ((long) t.name().hashCode() << 20);
        for (int r0 = 0; r0 < rows; r0 += group) {
            int n = Math.min(group, rows - r0);
            final int first = r0;
            IntStream.range(0, n).parallel().forEach(i -> {
                float[] x = new float[cols];
                fillRow(t, tensorSeed, first + i, x);
                WeightQuantizer.quantize(t.type(), x, 0, cols, buf, i * rowBytes);
            });
            out.write(buf, 0, n * rowBytes);
        }
    }

    /** Row {@code row} of tensor {@code t}: its fixed values, 1.0 for norms, else N(0, 0.02) by Box-Muller from a per-row generator. */
    static void fillRow(TensorSpec t, long tensorSeed, int row, float[] x) {
        if (t.values() != null) {
            System.arraycopy(t.values(), 0, x, 0, x.length);
            return;
        }
        if (t.ones()) {
            java.util.Arrays.fill(x, 1.0f);
            return;
        }
        SplittableRandom rnd = new SplittableRandom(tensorSeed + 0x9E3779B97F4A7C15L * (row + 1));
        for (int i = 0; i < x.length; i += 2) {
            double u1 = 1.0 - rnd.nextDouble();
            double u2 = rnd.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1)) * STDDEV;
            x[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < x.length) {
                x[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
    }
}
