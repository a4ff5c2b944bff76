package io.k3mcp.engine.testing;

import io.k3mcp.engine.gguf.GgufWriter;
import io.k3mcp.kernels.GgmlType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;

/**
 * Writes llama-shaped GGUF models for tests: F16 matrices and F32 norms filled with a repeated random
 * chunk, streamed to disk so multi-GiB files never sit in memory. Tensors can be left out or
 * misshaped to test the loader's errors.
 */
public final class SyntheticModel {
    private String arch = "llama";
    private int embd = 64;
    private int layers = 1;
    private int heads = 4;
    private int kvHeads = 2;
    private int ff = 128;
    private int vocab = 256;
    private int ctx = 128;
    private Set<String> omit = Set.of();
    private String misshape = "";

    public SyntheticModel arch(String a) {
        arch = a;
        return this;
    }

    public SyntheticModel shape(int embd, int layers, int heads, int kvHeads, int ff, int vocab, int ctx) {
        this.embd = embd;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.ff = ff;
        this.vocab = vocab;
        this.ctx = ctx;
        return this;
    }

    public SyntheticModel omit(String... tensors) {
        omit = Set.of(tensors);
        return this;
    }

    /** Writes this tensor with its two dimensions swapped. */
    public SyntheticModel misshape(String tensor) {
        misshape = tensor;
        return this;
    }

    public Path write(Path file) throws IOException {
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", arch);
        String p = arch + ".";
        w.putU32(p + "context_length", ctx);
        w.putU32(p + "embedding_length", embd);
        w.putU32(p + "block_count", layers);
        w.putU32(p + "feed_forward_length", ff);
        w.putU32(p + "attention.head_count", heads);
        w.putU32(p + "attention.head_count_kv", kvHeads);
        w.putF32(p + "attention.layer_norm_rms_epsilon", 1e-5f);
        w.putF32(p + "rope.freq_base", 10000f);
        int kv = embd / heads * kvHeads;
        matrix(w, "token_embd.weight", embd, vocab);
        for (int i = 0; i < layers; i++) {
            String b = "blk." + i + ".";
            vector(w, b + "attn_norm.weight", embd);
            matrix(w, b + "attn_q.weight", embd, embd);
            matrix(w, b + "attn_k.weight", embd, kv);
            matrix(w, b + "attn_v.weight", embd, kv);
            matrix(w, b + "attn_output.weight", embd, embd);
            vector(w, b + "ffn_norm.weight", embd);
            matrix(w, b + "ffn_gate.weight", embd, ff);
            matrix(w, b + "ffn_up.weight", embd, ff);
            matrix(w, b + "ffn_down.weight", ff, embd);
        }
        vector(w, "output_norm.weight", embd);
        matrix(w, "output.weight", embd, vocab);
        w.write(file);
        return file;
    }

    private void matrix(GgufWriter w, String name, long cols, long rows) {
        if (omit.contains(name)) {
            return;
        }
        long[] ne = name.equals(misshape) ? new long[] {rows, cols} : new long[] {cols, rows};
        w.addTensor(name, GgmlType.F16, ne, out -> repeat(out, F16_CHUNK, cols * rows * 2));
    }

    private void vector(GgufWriter w, String name, long n) {
        if (omit.contains(name)) {
            return;
        }
        long[] ne = name.equals(misshape) ? new long[] {n + 1} : new long[] {n};
        w.addTensor(name, GgmlType.F32, ne, out -> repeat(out, ONES, ne[0] * 4));
    }

    private static void repeat(OutputStream out, byte[] chunk, long bytes) throws IOException {
        for (long done = 0; done < bytes; done += chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, bytes - done));
        }
    }

    private static final byte[] F16_CHUNK = f16Chunk();
    private static final byte[] ONES = ones();

    /** 64 KiB of half floats ~ N(0, 0.02) (the bit patterns of small normal values, built by hand). */
    private static byte[] f16Chunk() {
        Random r = new Random(1);
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            b.putShort(toHalf((float) (r.nextGaussian() * 0.02)));
        }
        return b.array();
    }

    private static byte[] ones() {
        ByteBuffer b = ByteBuffer.allocate(1 << 12).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            b.putFloat(1f);
        }
        return b.array();
    }

    /** f32 -> f16 by truncation; enough for test weights. */
    private static short toHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        int mant = (bits >>> 13) & 0x3ff;
        if (exp <= 0) {
            return (short) sign;
        }
        return (short) (sign | (exp << 10) | mant);
    }
}
