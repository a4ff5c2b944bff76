package io.k3mcp.engine.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Lays a batch of sequences out as one token matrix, refusing what one forward pass cannot run. */
final class SequenceBatch {
    private SequenceBatch() {
    }

    /** The steps' segments in order: rows are consecutive, each starting at its cache's current length. */
    static List<Segment> segments(List<SequenceStep> steps, int maxBatch) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a batch of sequences needs at least one sequence");
        }
        Set<KvCache> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Segment> out = new ArrayList<>(steps.size());
        int offset = 0;
        for (int i = 0; i < steps.size(); i++) {
            SequenceStep s = steps.get(i);
            if (s.cache() == null || s.tokens() == null) {
                throw new IllegalArgumentException("sequence " + i + " of the batch has no " + (s.cache() == null ? "KV cache" : "tokens"));
            }
            if (!seen.add(s.cache())) {
                // two segments appending to one memory would both start at its current length
                throw new IllegalArgumentException("sequence " + i + " uses the same KV cache as an earlier sequence of the batch;"
                        + " each sequence needs its own memory");
            }
            out.add(new Segment(s.cache(), s.cache().length(), offset, s.tokens().length));
            offset += s.tokens().length;
        }
        if (offset > maxBatch) {
            throw new IllegalArgumentException("a batch of " + steps.size() + " sequences has " + offset
                    + " tokens; one forward pass runs at most " + maxBatch + " (prefill long prompts in chunks)");
        }
        return out;
    }
}
