package io.k3mcp.engine.synthetic;

/**
 * Llama 3.1+ RoPE scaling as config.json states it ({@code rope_type "llama3"}). GGUF has no key for
 * it: the converter (conversion/llama.py, generate_extra_tensors) writes the per-pair factors as the
 * tensor {@code rope_freqs.weight}, which is what {@link #factors} computes, in float32 as it does.
 */
public record Llama3RopeScaling(float factor, float lowFreqFactor, float highFreqFactor, int originalContext) {

    /** Llama 3.1/3.2/3.3's published setting. */
    public static final Llama3RopeScaling LLAMA_3 = new Llama3RopeScaling(32f, 1f, 4f, 8192);

    /**
     * One factor per rotated pair: 1 for wavelengths below {@code originalContext / highFreqFactor},
     * {@code factor} above {@code originalContext / lowFreqFactor}, a smooth blend between.
     */
    public float[] factors(float base, int ropeDims) {
        float lowWavelen = originalContext / lowFreqFactor;
        float highWavelen = originalContext / highFreqFactor;
        float[] f = new float[ropeDims / 2];
        for (int i = 0; i < f.length; i++) {
            float freq = (float) (1.0 / Math.pow(base, (float) (2 * i) / ropeDims));
            float wavelen = (float) (2 * Math.PI / freq);
            if (wavelen < highWavelen) {
                f[i] = 1f;
            } else if (wavelen > lowWavelen) {
                f[i] = factor;
            } else {
                float smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                f[i] = 1f / ((1 - smooth) / factor + smooth);
            }
        }
        return f;
    }
}
