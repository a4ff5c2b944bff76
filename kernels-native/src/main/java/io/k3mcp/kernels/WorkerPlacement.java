package io.k3mcp.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * Where one pool worker ended up, as the worker itself read it back after pinning.
 *
 * @param requestedCpu  the cpu asked for, -1 when the pool is not pinned
 * @param actualCpu     sched_getcpu() after pinning
 * @param affinityOk    the affinity read back is exactly {requestedCpu} (true when not pinned)
 * @param affinityCpus  the affinity read back (cpus 0..63)
 * @param aiAttempted   the worker wrote its TID to the ai-thread file
 * @param aiErrno       0, or the errno of that write (the refusal)
 * @param pinErrno      0, or the errno of sched_setaffinity
 * @param callerThread  this share runs on the thread that calls the kernels (share 0 of an unpinned
 *                      pool), not on a pool thread; its cpu is wherever that thread is
 */
public record WorkerPlacement(int worker, int tid, int requestedCpu, int actualCpu, boolean affinityOk,
                              List<Integer> affinityCpus, boolean aiAttempted, int aiErrno, int pinErrno,
                              boolean callerThread) {

    static WorkerPlacement fromNative(int worker, long[] f) {
        List<Integer> cpus = new ArrayList<>();
        for (int c = 0; c < 64; c++) {
            if ((f[3] >>> c & 1) != 0) {
                cpus.add(c);
            }
        }
        return new WorkerPlacement(worker, (int) f[7], (int) f[0], (int) f[1], f[2] != 0, List.copyOf(cpus),
            f[4] != 0, (int) f[5], (int) f[6], f[8] != 0);
    }

    /** Placed as asked: pinned where requested and, when the handshake ran, registered. */
    public boolean placedAsRequested() {
        return affinityOk && pinErrno == 0 && (!aiAttempted || aiErrno == 0);
    }

    /** One line for logs and reports, key=value. */
    public String describe() {
        return "worker=" + worker + (callerThread ? " caller_thread" : "") + " tid=" + tid + " requested_cpu=" + requestedCpu + " actual_cpu=" + actualCpu
            + " affinity=" + affinityCpus + " affinity_ok=" + affinityOk
            + (pinErrno != 0 ? " pin_errno=" + pinErrno : "")
            + (aiAttempted ? " ai_thread=" + (aiErrno == 0 ? "registered" : "refused errno=" + aiErrno) : "");
    }
}
