package io.k3mcp.tools.bench;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufTensor;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What llama-bench reports about a model, read from its GGUF file: the file name, "arch size ftype"
 * (model_type), total tensor bytes (model_size) and elements (model_n_params), plus the bytes of
 * weights one decoded token reads: every tensor once, except that token_embd contributes one row
 * (the looked-up embedding) unless it is also the output matrix (tied), when it is read whole, Gemma 4's
 * per-layer embedding table ({@code per_layer_token_embd}) contributes its one looked-up row, and a
 * mixture-of-experts layer's expert tensors ({@code *_exps}) contribute the share of their experts a
 * token uses ({@code expert_used_count / expert_count}): decode reads only the chosen experts. A hybrid's
 * delta-net layers (those with {@code ssm_conv1d}) add the recurrent state each token reads: {@code time_step_rank}
 * heads of {@code state_size x state_size} F32 plus the conv window, {@code (conv_kernel - 1) x conv_dim} F32.
 */
public record ModelInfo(String filename, String type, long size, long nParams, long weightBytesPerToken) {

    public static ModelInfo of(GgufFile f) {
        long size = 0;
        long params = 0;
        long perToken = 0;
        boolean tied = f.tensor("output.weight") == null;
        String arch = f.metadata().optString("general.architecture").orElse("unknown");
        long experts = f.metadata().optLong(arch + ".expert_count").orElse(0L);
        long used = f.metadata().optLong(arch + ".expert_used_count").orElse(experts);
        long stateSize = f.metadata().optLong(arch + ".ssm.state_size").orElse(0L);
        long vHeads = f.metadata().optLong(arch + ".ssm.time_step_rank").orElse(0L);
        long convKernel = f.metadata().optLong(arch + ".ssm.conv_kernel").orElse(1L);
        for (GgufTensor t : f.tensors()) {
            size += t.byteSize();
            params += t.elementCount();
            if (t.name().equals("token_embd.weight")) {
                perToken += tied ? t.byteSize() : t.byteSize() / t.rows();
            } else if (t.name().equals("per_layer_token_embd.weight")) {
                perToken += t.byteSize() / t.rows();
            } else if (experts > 0 && t.name().endsWith("_exps.weight")) {
                perToken += t.byteSize() / experts * used;
            } else if (t.name().endsWith(".ssm_conv1d.weight")) {
                perToken += t.byteSize() + (vHeads * stateSize * stateSize + (convKernel - 1) * t.rows()) * Float.BYTES;
            } else {
                perToken += t.byteSize();
            }
        }
        int ftype = (int) f.metadata().optLong("general.file_type").orElse(-1);
        return new ModelInfo(fileName(f.path()), arch + " " + sizeLabel(params) + " " + ftypeName(ftype), size, params, perToken);
    }

    private static String fileName(Path p) {
        return p.getFileName().toString();
    }

    /** llama.cpp prints model sizes as e.g. "1B", "0.6B", "4B" (nearest of its size classes); we round. */
    static String sizeLabel(long params) {
        double b = params / 1e9;
        if (b >= 1.5) {
            return Math.round(b) + "B";
        }
        if (b >= 0.95) {
            return "1B";
        }
        if (b >= 0.1) {
            return String.format(Locale.ROOT, "%.1fB", b);
        }
        return Math.max(1, Math.round(params / 1e6)) + "M";
    }

    /** llama_model_ftype_name for the file types k3mcp meets. */
    public static String ftypeName(int ftype) {
        return switch (ftype) {
            case 0 -> "all F32";
            case 1 -> "F16";
            case 2 -> "Q4_0";
            case 3 -> "Q4_1";
            case 7 -> "Q8_0";
            case 8 -> "Q5_0";
            case 9 -> "Q5_1";
            case 10 -> "Q2_K - Medium";
            case 11 -> "Q3_K - Small";
            case 12 -> "Q3_K - Medium";
            case 13 -> "Q3_K - Large";
            case 14 -> "Q4_K - Small";
            case 15 -> "Q4_K - Medium";
            case 16 -> "Q5_K - Small";
            case 17 -> "Q5_K - Medium";
            case 18 -> "Q6_K";
            case 25 -> "IQ4_NL - 4.5 bpw";
            case 30 -> "IQ4_XS - 4.25 bpw";
            case 32 -> "BF16";
            default -> "ftype " + ftype;
        };
    }
}
