package io.k3mcp.engine.grammar;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token masks per parse state, shared by every constraint over one vocabulary: parse states are
 * values (equal schemas give equal states), so a later request with the same schema starts with warm
 * masks instead of walking the trie again. Least recently used entries go first once the stored token
 * ids pass a bound (a free-text state on a 128k vocabulary holds ~1 MB). Thread-safe.
 */
final class MaskCache {
    /** Allowed token ids and, per id, the fewest bytes the document needs after it. */
    record Entry(int[] ids, int[] remaining) {
        long ints() {
            return 2L * ids.length;
        }
    }

    static final long DEFAULT_MAX_INTS = 16L << 20; // 64 MiB of ids and remainders

    private final long maxInts;
    private long ints;
    private final LinkedHashMap<JsonState, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);

    MaskCache(long maxInts) {
        this.maxInts = maxInts;
    }

    synchronized Entry get(JsonState state) {
        return entries.get(state);
    }

    synchronized void put(JsonState state, Entry entry) {
        Entry old = entries.put(state, entry);
        ints += entry.ints() - (old == null ? 0 : old.ints());
        Iterator<Map.Entry<JsonState, Entry>> eldest = entries.entrySet().iterator();
        while (ints > maxInts && entries.size() > 1 && eldest.hasNext()) {
            Map.Entry<JsonState, Entry> e = eldest.next();
            if (e.getKey().equals(state)) {
                continue; // keep the entry just computed
            }
            ints -= e.getValue().ints();
            eldest.remove();
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
