package io.k3mcp.engine.grammar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte-level recognisers of one JSON value each, as immutable records. A frame consumes bytes
 * ({@link Frame#feed}); it may replace itself, push a child for a nested value, or finish.
 */
public final class Frames {
    private Frames() {
    }

    /** What feeding a byte did. */
    record Result(Kind kind, Frame frame, Frame child, String value) {
        static Result replace(Frame f) {
            return new Result(Kind.REPLACE, f, null, null);
        }

        static Result push(Frame self, Frame child) {
            return new Result(Kind.PUSH, self, child, null);
        }

        /** Push the child and let it consume the byte. */
        static Result pushFeed(Frame self, Frame child) {
            return new Result(Kind.PUSH_FEED, self, child, null);
        }

        static Result done(String value) {
            return new Result(Kind.DONE, null, null, value);
        }

        static Result doneUnconsumed(String value) {
            return new Result(Kind.DONE_UNCONSUMED, null, null, value);
        }
    }

    enum Kind { REPLACE, PUSH, PUSH_FEED, DONE, DONE_UNCONSUMED }

    /** A recogniser of one value. */
    public sealed interface Frame permits Root, Value, ObjectF, KeyF, ArrayF, StringF, NumberF, LiteralF {
        /** @return null when the byte is not allowed */
        Result feed(int b);

        /** The parent's new frame once its child finished with {@code value} (the key text for keys). */
        default Frame childDone(String value) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no children");
        }

        /** Bytes this frame still needs at least (not counting frames above it). */
        int minRemaining();

        /** Complete already if the next byte does not continue it (numbers). */
        default boolean terminable() {
            return false;
        }

        default String terminalValue() {
            return null;
        }
    }

    static boolean isWs(int b) {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }

    static byte[] jsonString(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The bottom of the stack: done once the single top-level value finished; nothing may follow. */
    record Root(boolean done) implements Frame {
        @Override
        public Result feed(int b) {
            return null;
        }

        @Override
        public Frame childDone(String value) {
            return done ? null : new Root(true);
        }

        @Override
        public int minRemaining() {
            return 0;
        }
    }

    /** A value not started yet: whitespace, then its first byte picks the recogniser. */
    record Value(Schema schema) implements Frame {
        @Override
        public Result feed(int b) {
            if (isWs(b)) {
                return Result.replace(this);
            }
            Frame f = startFor(schema, b);
            return f == null ? null : f.feed(b);
        }

        @Override
        public int minRemaining() {
            return MinLength.of(schema);
        }

        static Frame startFor(Schema s, int b) {
            if (s instanceof Schema.AnyOfS a) {
                for (Schema o : a.options()) {
                    if (FirstBytes.of(o).contains(b)) {
                        return startFor(o, b);
                    }
                }
                return null;
            }
            if (s instanceof Schema.AnyS any) {
                return startAny(any.depth(), b);
            }
            if (!FirstBytes.of(s).contains(b)) {
                return null;
            }
            if (s instanceof Schema.ObjectS o) {
                return new ObjectF(o, ObjectF.Phase.START, List.of(), null);
            }
            if (s instanceof Schema.ArrayS a) {
                return new ArrayF(a, ArrayF.Phase.START, 0);
            }
            if (s instanceof Schema.StringS str) {
                return StringF.start(str.minLength(), str.maxLength());
            }
            if (s instanceof Schema.NumberS n) {
                return new NumberF(n.integer(), NumberF.Phase.START, 0);
            }
            if (s instanceof Schema.BoolS) {
                return LiteralF.of(List.of("true", "false"));
            }
            if (s instanceof Schema.NullS) {
                return LiteralF.of(List.of("null"));
            }
            return LiteralF.of(((Schema.LiteralS) s).json());
        }

        private static Frame startAny(int depth, int b) {
            Schema nested = new Schema.AnyS(depth - 1);
            if ((b == '{' || b == '[') && depth <= 0) {
                return null;
            }
            return switch (b) {
                case '{' -> new ObjectF(new Schema.ObjectS(java.util.Map.of(), java.util.Set.of(), nested), ObjectF.Phase.START, List.of(), null);
                case '[' -> new ArrayF(new Schema.ArrayS(nested, 0, Integer.MAX_VALUE), ArrayF.Phase.START, 0);
                case '"' -> StringF.start(0, Integer.MAX_VALUE);
                case 't', 'f' -> LiteralF.of(List.of("true", "false"));
                case 'n' -> LiteralF.of(List.of("null"));
                default -> (b == '-' || (b >= '0' && b <= '9')) ? new NumberF(false, NumberF.Phase.START, 0) : null;
            };
        }
    }

    /** Matches one of several exact byte strings (true/false/null, enum and const values, object keys). */
    record LiteralF(List<byte[]> candidates, int pos, boolean isKey) implements Frame {
        static LiteralF of(List<String> texts) {
            List<byte[]> c = new ArrayList<>();
            texts.forEach(t -> c.add(t.getBytes(StandardCharsets.UTF_8)));
            return new LiteralF(c, 0, false);
        }

        @Override
        public Result feed(int b) {
            List<byte[]> next = new ArrayList<>();
            boolean exact = false;
            for (byte[] c : candidates) {
                if (c.length > pos && (c[pos] & 0xff) == b) {
                    next.add(c);
                }
                if (c.length == pos) {
                    exact = true;
                }
            }
            if (next.isEmpty()) {
                return exact ? Result.doneUnconsumed(matched()) : null;
            }
            LiteralF f = new LiteralF(next, pos + 1, isKey);
            boolean ambiguous = next.stream().anyMatch(c -> c.length > pos + 1);
            return !ambiguous ? Result.done(f.matched()) : Result.replace(f);
        }

        String matched() {
            for (byte[] c : candidates) {
                if (c.length == pos) {
                    return new String(c, StandardCharsets.UTF_8);
                }
            }
            return new String(candidates.get(0), 0, pos, StandardCharsets.UTF_8);
        }

        @Override
        public boolean terminable() {
            return candidates.stream().anyMatch(c -> c.length == pos);
        }

        @Override
        public String terminalValue() {
            return matched();
        }

        @Override
        public int minRemaining() {
            return candidates.stream().mapToInt(c -> c.length - pos).min().orElse(0);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof LiteralF l) || l.pos != pos || l.isKey != isKey || l.candidates.size() != candidates.size()) {
                return false;
            }
            for (int i = 0; i < candidates.size(); i++) {
                if (!java.util.Arrays.equals(candidates.get(i), l.candidates.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = pos * 31 + (isKey ? 1 : 0);
            for (byte[] c : candidates) {
                h = h * 31 + java.util.Arrays.hashCode(c);
            }
            return h;
        }
    }
}
