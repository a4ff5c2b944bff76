package io.k3mcp.engine.grammar;

import java.util.HashSet;
import java.util.Set;

/** The bytes a value of a schema can start with (leading whitespace aside). */
final class FirstBytes {
    private FirstBytes() {
    }

    static Set<Integer> of(Schema s) {
        Set<Integer> out = new HashSet<>();
        if (s instanceof Schema.ObjectS) {
            out.add((int) '{');
        } else if (s instanceof Schema.ArrayS) {
            out.add((int) '[');
        } else if (s instanceof Schema.StringS) {
            out.add((int) '"');
        } else if (s instanceof Schema.NumberS) {
            out.add((int) '-');
            for (char c = '0'; c <= '9'; c++) {
                out.add((int) c);
            }
        } else if (s instanceof Schema.BoolS) {
            out.add((int) 't');
            out.add((int) 'f');
        } else if (s instanceof Schema.NullS) {
            out.add((int) 'n');
        } else if (s instanceof Schema.LiteralS l) {
            l.json().forEach(j -> out.add((int) j.charAt(0)));
        } else if (s instanceof Schema.AnyOfS a) {
            a.options().forEach(o -> out.addAll(of(o)));
        } else if (s instanceof Schema.AnyS) {
            for (Schema o : new Schema[] {new Schema.ObjectS(java.util.Map.of(), Set.of(), null), new Schema.ArrayS(null, 0, 0),
                    new Schema.StringS(0, 0), new Schema.NumberS(false), new Schema.BoolS(), new Schema.NullS()}) {
                out.addAll(of(o));
            }
        }
        return out;
    }
}
