package io.k3mcp.engine.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Recognises an object: only declared properties (each at most once) unless the schema allows
 * others, and '}' only once every required property is present.
 */
record ObjectF(Schema.ObjectS schema, Phase phase, List<String> seen, String key) implements Frames.Frame {
    enum Phase { START, OPEN, KEY, COLON, VALUE, AFTER, NEXT }

    private List<String> remainingRequired() {
        List<String> r = new ArrayList<>();
        for (String k : schema.required()) {
            if (!seen.contains(k)) {
                r.add(k);
            }
        }
        return r;
    }

    private List<String> availableKeys() {
        List<String> r = new ArrayList<>();
        for (String k : schema.properties().keySet()) {
            if (!seen.contains(k)) {
                r.add(k);
            }
        }
        return r;
    }

    private boolean canOpenKey() {
        return schema.additional() != null || !availableKeys().isEmpty();
    }

    @Override
    public Frames.Result feed(int b) {
        switch (phase) {
            case START:
                return b == '{' ? Frames.Result.replace(with(Phase.OPEN, seen, null)) : null;
            case OPEN:
            case NEXT:
                if (Frames.isWs(b)) {
                    return Frames.Result.replace(this);
                }
                if (b == '}' && phase == Phase.OPEN && remainingRequired().isEmpty()) {
                    return Frames.Result.done(null);
                }
                if (b == '"' && canOpenKey()) {
                    return Frames.Result.push(with(Phase.KEY, seen, null), keyFrame());
                }
                return null;
            case COLON:
                if (Frames.isWs(b)) {
                    return Frames.Result.replace(this);
                }
                if (b != ':') {
                    return null;
                }
                List<String> seen2 = new ArrayList<>(seen);
                if (key != null) {
                    seen2.add(key); // a free-form key (null) may repeat; declared keys appear once
                }
                return Frames.Result.push(with(Phase.VALUE, List.copyOf(seen2), key), new Frames.Value(valueSchema(key)));
            case AFTER:
                if (Frames.isWs(b)) {
                    return Frames.Result.replace(this);
                }
                if (b == ',' && canOpenKey()) {
                    return Frames.Result.replace(with(Phase.NEXT, seen, null));
                }
                if (b == '}' && remainingRequired().isEmpty()) {
                    return Frames.Result.done(null);
                }
                return null;
            default:
                return null;
        }
    }

    private Schema valueSchema(String k) {
        Schema s = k == null ? null : schema.properties().get(k);
        return s != null ? s : schema.additional();
    }

    private KeyF keyFrame() {
        List<String> req = remainingRequired();
        List<KeyF.Candidate> cands = new ArrayList<>();
        for (String k : availableKeys()) {
            byte[] quoted = Frames.jsonString(k);
            byte[] afterOpenQuote = java.util.Arrays.copyOfRange(quoted, 1, quoted.length);
            List<String> rest = new ArrayList<>(req);
            rest.remove(k);
            int tail = 1 + MinLength.of(schema.properties().get(k)) + MinLength.requiredCost(schema, rest, true) + 1;
            cands.add(new KeyF.Candidate(k, afterOpenQuote, tail));
        }
        if (schema.additional() != null) {
            int tail = 1 + MinLength.of(schema.additional()) + MinLength.requiredCost(schema, req, true) + 1;
            return new KeyF(cands, 0, StringF.start(0, Integer.MAX_VALUE).afterQuote(), tail);
        }
        return new KeyF(cands, 0, null, 0);
    }

    private ObjectF with(Phase p, List<String> s, String k) {
        return new ObjectF(schema, p, s, k);
    }

    @Override
    public Frames.Frame childDone(String value) {
        return switch (phase) {
            case KEY -> with(Phase.COLON, seen, value);
            case VALUE -> with(Phase.AFTER, seen, null);
            default -> throw new IllegalStateException("object child finished in phase " + phase);
        };
    }

    @Override
    public int minRemaining() {
        List<String> req = remainingRequired();
        return switch (phase) {
            case START -> MinLength.of(schema);
            case OPEN -> MinLength.requiredCost(schema, req, false) + 1;
            case KEY -> 0; // the key frame on top accounts for the rest of this object
            case COLON -> {
                List<String> rest = new ArrayList<>(req);
                rest.remove(key);
                yield 1 + MinLength.of(valueSchema(key)) + MinLength.requiredCost(schema, rest, true) + 1;
            }
            case VALUE, AFTER -> MinLength.requiredCost(schema, req, true) + 1;
            case NEXT -> req.isEmpty() ? minAnyMember() + 1 : MinLength.requiredCost(schema, req, false) + 1;
        };
    }

    private int minAnyMember() {
        int best = Integer.MAX_VALUE;
        for (String k : availableKeys()) {
            best = Math.min(best, MinLength.member(schema, k));
        }
        if (schema.additional() != null) {
            best = Math.min(best, 2 + 1 + MinLength.of(schema.additional()));
        }
        return best == Integer.MAX_VALUE ? 0 : best;
    }
}
