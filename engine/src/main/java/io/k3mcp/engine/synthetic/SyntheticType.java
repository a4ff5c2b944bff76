package io.k3mcp.engine.synthetic;

import io.k3mcp.kernels.GgmlType;

import java.util.Arrays;
import java.util.Locale;

/**
 * A llama.cpp file type (llama_ftype): the default tensor type plus the per-tensor rules of
 * {@link QuantRules}. Ids are general.file_type values.
 */
public enum SyntheticType {
    F16(1, GgmlType.F16, "F16"),
    Q8_0(7, GgmlType.Q8_0, "Q8_0"),
    Q4_0(2, GgmlType.Q4_0, "Q4_0"),
    Q4_1(3, GgmlType.Q4_1, "Q4_1"),
    Q5_0(8, GgmlType.Q5_0, "Q5_0"),
    Q5_1(9, GgmlType.Q5_1, "Q5_1"),
    Q4_K_M(15, GgmlType.Q4_K, "Q4_K - Medium"),
    Q6_K(18, GgmlType.Q6_K, "Q6_K"),
    Q2_K(10, GgmlType.Q2_K, "Q2_K - Medium"),
    Q3_K_M(12, GgmlType.Q3_K, "Q3_K - Medium"),
    Q5_K_M(17, GgmlType.Q5_K, "Q5_K - Medium"),
    IQ4_NL(25, GgmlType.IQ4_NL, "IQ4_NL - 4.5 bpw"),
    IQ4_XS(30, GgmlType.IQ4_XS, "IQ4_XS - 4.25 bpw");

    public final int fileType;
    public final GgmlType defaultType;
    /** llama-bench's model_type suffix, e.g. "Q4_K - Medium". */
    public final String label;

    SyntheticType(int fileType, GgmlType defaultType, String label) {
        this.fileType = fileType;
        this.defaultType = defaultType;
        this.label = label;
    }

    public static SyntheticType parse(String s) {
        String u = s.toUpperCase(Locale.ROOT);
        for (SyntheticType t : values()) {
            if (t.name().equals(u)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown synthetic type '" + s + "' (known: "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
    }
}
