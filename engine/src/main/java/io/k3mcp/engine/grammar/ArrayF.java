package io.k3mcp.engine.grammar;

/** An array of items of one schema, with minItems / maxItems. */
record ArrayF(Schema.ArrayS schema, Phase phase, int count) implements Frames.Frame {
    enum Phase { START, OPEN, VALUE, AFTER, NEXT }

    @Override
    public Frames.Result feed(int b) {
        switch (phase) {
            case START:
                return b == '[' ? Frames.Result.replace(new ArrayF(schema, Phase.OPEN, 0)) : null;
            case OPEN:
            case NEXT:
                if (Frames.isWs(b)) {
                    return Frames.Result.replace(this);
                }
                if (b == ']' && phase == Phase.OPEN && count >= schema.minItems()) {
                    return Frames.Result.done(null);
                }
                if (count >= schema.maxItems()) {
                    return null;
                }
                return Frames.Result.pushFeed(new ArrayF(schema, Phase.VALUE, count), new Frames.Value(schema.items()));
            case AFTER:
                if (Frames.isWs(b)) {
                    return Frames.Result.replace(this);
                }
                if (b == ',' && count < schema.maxItems()) {
                    return Frames.Result.replace(new ArrayF(schema, Phase.NEXT, count));
                }
                if (b == ']' && count >= schema.minItems()) {
                    return Frames.Result.done(null);
                }
                return null;
            default:
                return null;
        }
    }

    @Override
    public Frames.Frame childDone(String value) {
        return new ArrayF(schema, Phase.AFTER, count + 1);
    }

    @Override
    public int minRemaining() {
        int item = MinLength.of(schema.items());
        return switch (phase) {
            case START -> MinLength.of(schema);
            case OPEN -> schema.minItems() == 0 ? 1 : schema.minItems() * item + schema.minItems() - 1 + 1;
            case VALUE -> Math.max(0, schema.minItems() - (count + 1)) * (item + 1) + 1;
            case AFTER -> Math.max(0, schema.minItems() - count) * (item + 1) + 1;
            case NEXT -> {
                int rem = Math.max(1, schema.minItems() - count);
                yield item + (rem - 1) * (item + 1) + 1;
            }
        };
    }
}
