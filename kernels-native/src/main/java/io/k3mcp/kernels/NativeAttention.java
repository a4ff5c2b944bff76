package io.k3mcp.kernels;

import static io.k3mcp.kernels.NativeArgs.addr;
import static io.k3mcp.kernels.NativeArgs.check;
import static io.k3mcp.kernels.NativeArgs.outAddr;

import java.util.List;

/** The checked native attention call (NativeKernels holds the pool and the lock). */
final class NativeAttention {
    private NativeAttention() {
    }

    /** Every sequence's buffers checked against its counts, then one k3k_attention_seqs call. */
    static void sequences(long pool, List<AttentionSequence> seqs, GgmlType kvType, int nHeads, int nKvHeads, int headDim,
                          float scale, boolean causal, int window) {
        RefAttention.checkKvType(kvType, headDim);
        check(nKvHeads > 0 && nHeads > 0 && nHeads % nKvHeads == 0, () ->
            "attention: nHeads " + nHeads + " is not a multiple of nKvHeads " + nKvHeads);
        int n = seqs.size();
        long[] q = new long[n];
        long[] k = new long[n];
        long[] v = new long[n];
        long[] out = new long[n];
        int[] tokens = new int[n];
        int[] pos0 = new int[n];
        int[] keys = new int[n];
        int[] headRows = new int[n];
        for (int i = 0; i < n; i++) {
            AttentionSequence s = seqs.get(i);
            check(headDim > 0, () -> "attention: headDim " + headDim + " is not positive");
            RefAttention.checkPositions(s.nTokens(), s.pos0(), s.nKeys(), causal, window);
            long qn = (long) s.nTokens() * nHeads * headDim;
            long kvBytes = s.cacheBytes(nKvHeads, kvType.bytesFor(headDim));
            q[i] = addr(s.q(), qn, "attention q");
            k[i] = addr(s.k(), kvBytes, "attention k");
            v[i] = addr(s.v(), kvBytes, "attention v");
            out[i] = outAddr(s.out(), qn, "attention out");
            tokens[i] = s.nTokens();
            pos0[i] = s.pos0();
            keys[i] = s.nKeys();
            headRows[i] = s.headRows();
        }
        int rc = NativeLib.k3k_attention_seqs(pool, n, q, k, v, out, tokens, pos0, keys, headRows, kvType.id, nHeads, nKvHeads,
            headDim, scale, causal ? 1 : 0, window);
        check(rc == 0, "attention: rejected by the native kernel");
    }
}
