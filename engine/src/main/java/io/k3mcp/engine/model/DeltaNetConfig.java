package io.k3mcp.engine.model;

import io.k3mcp.engine.gguf.GgufArray;
import io.k3mcp.engine.gguf.GgufMetadata;
import io.k3mcp.engine.gguf.GgufValueType;

import java.util.Arrays;

/**
 * Hyperparameters of the gated delta-net layers of a hybrid (Qwen3.5/3.6, keys {@code <arch>.ssm.*}).
 *
 * @param dConv     taps of the causal convolution ({@code ssm.conv_kernel})
 * @param stateSize S, the head size of the delta-net K and V heads ({@code ssm.state_size})
 * @param nKHeads   Q/K heads ({@code ssm.group_count})
 * @param nVHeads   V heads, each with its own decay, beta and S x S state ({@code ssm.time_step_rank})
 * @param recurrent per trunk layer: true = delta-net layer, false = full attention
 */
public record DeltaNetConfig(int dConv, int stateSize, int nKHeads, int nVHeads, boolean[] recurrent) {

    /** Reads the delta-net keys for {@code nLayer} trunk layers of {@code blockCount} blocks. */
    static DeltaNetConfig fromMetadata(GgufMetadata m, String p, int nLayer, int blockCount) {
        int dConv = m.intIn(p + "ssm.conv_kernel", 1, 64);
        int s = m.intIn(p + "ssm.state_size", 1, 4096);
        int nK = m.intIn(p + "ssm.group_count", 1, 4096);
        int nV = m.intIn(p + "ssm.time_step_rank", 1, 4096);
        int inner = m.intIn(p + "ssm.inner_size", 1, 1 << 20);
        if (nV % nK != 0) {
            throw new UnsupportedModelException(p + "ssm.time_step_rank " + nV + " is not a multiple of ssm.group_count " + nK);
        }
        if (inner != s * nV) {
            throw new UnsupportedModelException(p + "ssm.inner_size " + inner + " differs from ssm.state_size * ssm.time_step_rank = "
                    + s * nV + "; not supported");
        }
        return new DeltaNetConfig(dConv, s, nK, nV, layerKinds(m, p, nLayer, blockCount));
    }

    /** llama.cpp: the recurrent_layers array wins; without it layer il is recurrent iff (il + 1) % interval != 0. */
    private static boolean[] layerKinds(GgufMetadata m, String p, int nLayer, int blockCount) {
        String key = p + "attention.recurrent_layers";
        boolean[] kinds = new boolean[nLayer];
        if (m.has(key)) {
            int[] flags = arrayFlags(m, key);
            if (flags == null || flags.length != blockCount) {
                throw new UnsupportedModelException(key + " must be an array of " + blockCount + " flags (one per block)");
            }
            for (int il = 0; il < nLayer; il++) {
                kinds[il] = flags[il] != 0;
            }
            return kinds;
        }
        int interval = m.intIn(p + "full_attention_interval", 1, 4096, 4);
        for (int il = 0; il < nLayer; il++) {
            kinds[il] = (il + 1) % interval != 0;
        }
        return kinds;
    }

    /** The flags of a bool or integer array (llama.cpp accepts both); null for anything else. */
    private static int[] arrayFlags(GgufMetadata m, String key) {
        if (!(m.get(key).value() instanceof GgufArray a)) {
            return null;
        }
        if (a.elementType() == GgufValueType.BOOL) {
            boolean[] b = (boolean[]) a.values();
            int[] r = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                r[i] = b[i] ? 1 : 0;
            }
            return r;
        }
        return a.elementType().isInteger() ? m.intArray(key) : null;
    }

    public boolean isRecurrent(int il) {
        return recurrent[il];
    }

    /** Channels of one K or Q projection (all heads). */
    public int keyDim() {
        return stateSize * nKHeads;
    }

    /** Channels of the V projection, the gate z and the output (all V heads). */
    public int valueDim() {
        return stateSize * nVHeads;
    }

    /** Channels the convolution runs over: q, k and v. */
    public int convDim() {
        return 2 * keyDim() + valueDim();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeltaNetConfig d && dConv == d.dConv && stateSize == d.stateSize && nKHeads == d.nKHeads
                && nVHeads == d.nVHeads && Arrays.equals(recurrent, d.recurrent);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(recurrent) + stateSize * 7 + nVHeads;
    }

    @Override
    public String toString() {
        return "DeltaNetConfig[dConv=" + dConv + ", S=" + stateSize + ", kHeads=" + nKHeads + ", vHeads=" + nVHeads
                + ", recurrent=" + Arrays.toString(recurrent) + "]";
    }
}
