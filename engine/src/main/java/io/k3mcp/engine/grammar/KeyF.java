package io.k3mcp.engine.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An object key after its opening quote: one of the declared names still allowed (each with the
 * fewest bytes the object needs after it), or, when the schema allows other keys, any string.
 */
record KeyF(List<Candidate> candidates, int pos, StringF free, int freeTail) implements Frames.Frame {

    /** A declared key as the bytes after the opening quote (closing quote included). */
    record Candidate(String name, byte[] bytes, int tail) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Candidate c && c.tail == tail && c.name.equals(name) && Arrays.equals(c.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes) * 31 + tail;
        }
    }

    @Override
    public Frames.Result feed(int b) {
        List<Candidate> next = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.bytes.length > pos && (c.bytes[pos] & 0xff) == b) {
                if (c.bytes.length == pos + 1) {
                    return Frames.Result.done(c.name);
                }
                next.add(c);
            }
        }
        StringF free2 = null;
        if (free != null) {
            Frames.Result r = free.feed(b);
            if (r != null && r.kind() == Frames.Kind.DONE && next.isEmpty()) {
                return Frames.Result.done(r.value());
            }
            if (r != null && r.kind() == Frames.Kind.REPLACE) {
                free2 = (StringF) r.frame();
            }
        }
        if (next.isEmpty() && free2 == null) {
            return null;
        }
        return Frames.Result.replace(new KeyF(next, pos + 1, free2, freeTail));
    }

    @Override
    public int minRemaining() {
        int best = Integer.MAX_VALUE;
        for (Candidate c : candidates) {
            best = Math.min(best, c.bytes.length - pos + c.tail);
        }
        if (free != null) {
            best = Math.min(best, free.minRemaining() + freeTail);
        }
        return best == Integer.MAX_VALUE ? 0 : best;
    }
}
