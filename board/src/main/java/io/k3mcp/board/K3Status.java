package io.k3mcp.board;

import java.util.List;

/**
 * The K3-specific view. {@code ime} is "unknown" on a K3 until the kernels' self-test reports, at which
 * point {@code imeSelfTest} holds its verdict; "absent" elsewhere.
 */
public record K3Status(
        boolean detected,
        String detectedBy,
        List<Integer> generalCpus,
        List<Integer> aiCpus,
        AiFence aiFence,
        boolean tcm,
        String ime,
        String imeSelfTest) {

    /** /proc/set_ai_thread: present, and whether this process may write it (access(2), nothing written). */
    public record AiFence(String path, boolean present, boolean writable) {
    }

    /** This status with the kernels' IME self-test verdict ("pass" or why it failed) filled in. */
    public K3Status withImeSelfTest(String verdict) {
        String availability = !detected ? ime : "pass".equals(verdict) ? "available" : "unavailable";
        return new K3Status(detected, detectedBy, generalCpus, aiCpus, aiFence, tcm, availability, verdict);
    }
}
