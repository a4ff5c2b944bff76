package io.k3mcp.engine.session;

import io.k3mcp.engine.model.KvSnapshot;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The memory of recent calls across slots (docs/ENGINE.md "Prefix cache"): when a call leaves its slot,
 * a copy of its memory is kept here, least recently used first out, within {@code budgetBytes}; a new call
 * in any slot resumes from the longest prefix of its prompt held here or in the slot itself. A copy whose
 * tokens extend another's replaces it, and one that another already covers is not stored again, so a
 * prefix that several calls share (a system prompt and tool definitions) is stored once.
 */
final class PrefixCache {
    private final long budgetBytes;
    /** Access order: the first entry is the least recently used. */
    private final LinkedHashMap<KvSnapshot, Boolean> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    PrefixCache(long budgetBytes) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("prefix cache budget must be >= 0 bytes, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /** Whether copies are kept at all (a budget of 0 keeps none, and nothing needs copying). */
    boolean enabled() {
        return budgetBytes > 0;
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return entries.size();
    }

    /** The entry that resumes the longest prefix of {@code sequence}, or null when none resumes any. */
    KvSnapshot longest(int[] sequence) {
        KvSnapshot best = null;
        int bestLength = 0;
        for (KvSnapshot s : entries.keySet()) {
            int n = s.reusablePrefix(sequence);
            if (n > bestLength) {
                best = s;
                bestLength = n;
            }
        }
        if (best != null) {
            entries.get(best);   // touch: most recently used
        }
        return best;
    }

    /** Keeps {@code s} unless an entry already covers it; drops the entries it covers, then the least recently used over budget. */
    void put(KvSnapshot s) {
        if (s == null || s.length() == 0 || s.bytes() > budgetBytes) {
            return;
        }
        int[] tokens = s.tokens();
        for (Iterator<Map.Entry<KvSnapshot, Boolean>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            KvSnapshot e = it.next().getKey();
            if (covers(e, tokens)) {
                entries.get(e);
                return;
            }
            if (covers(s, e.tokens())) {
                bytes -= e.bytes();
                it.remove();
            }
        }
        entries.put(s, Boolean.TRUE);
        bytes += s.bytes();
        for (Iterator<KvSnapshot> it = entries.keySet().iterator(); bytes > budgetBytes && it.hasNext(); ) {
            KvSnapshot e = it.next();
            bytes -= e.bytes();
            it.remove();
        }
    }

    /** Whether {@code holder} resumes all of {@code tokens}: they are its prefix, and a recurrent copy must end exactly there. */
    private static boolean covers(KvSnapshot holder, int[] tokens) {
        return holder.length() >= tokens.length && holder.reusablePrefix(tokens) == tokens.length
                && (holder.resumesAnyPrefix() || holder.length() == tokens.length);
    }
}
