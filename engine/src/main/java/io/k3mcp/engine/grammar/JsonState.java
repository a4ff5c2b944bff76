package io.k3mcp.engine.grammar;

/**
 * An immutable parse state: a stack of frames (top first). Feeding a byte returns a new state or
 * null when the byte cannot continue any value the schema allows. Immutable so that walking a token
 * trie can branch without copying, and hashable so token masks can be cached per state.
 */
public record JsonState(Frames.Frame top, JsonState parent) {

    public static JsonState start(Schema schema) {
        return new JsonState(new Frames.Value(schema), new JsonState(new Frames.Root(false), null));
    }

    /** The state after one more byte (0..255), or null if the byte is not allowed here. */
    public JsonState advance(int b) {
        Frames.Result r = top.feed(b);
        if (r == null) {
            return null;
        }
        return switch (r.kind()) {
            case REPLACE -> new JsonState(r.frame(), parent);
            case PUSH -> new JsonState(r.child(), new JsonState(r.frame(), parent));
            case PUSH_FEED -> new JsonState(r.child(), new JsonState(r.frame(), parent)).advance(b);
            case DONE -> popWith(r.value());
            case DONE_UNCONSUMED -> {
                JsonState p = popWith(r.value());
                yield p == null ? null : p.advance(b);
            }
        };
    }

    private JsonState popWith(String value) {
        if (parent == null) {
            return null;
        }
        Frames.Frame p = parent.top.childDone(value);
        return p == null ? null : new JsonState(p, parent.parent);
    }

    public JsonState advance(byte[] bytes) {
        JsonState s = this;
        for (int i = 0; i < bytes.length && s != null; i++) {
            s = s.advance(bytes[i] & 0xff);
        }
        return s;
    }

    /** True when the text so far is one complete value (a trailing number may still be extended). */
    public boolean canFinish() {
        if (top instanceof Frames.Root root) {
            return root.done();
        }
        if (!top.terminable() || parent == null) {
            return false;
        }
        JsonState popped = popWith(top.terminalValue());
        return popped != null && popped.canFinish();
    }

    /** Fewest bytes that complete the document from here. */
    public int minRemaining() {
        int n = 0;
        for (JsonState s = this; s != null; s = s.parent) {
            n += s.top.minRemaining();
        }
        return n;
    }
}
