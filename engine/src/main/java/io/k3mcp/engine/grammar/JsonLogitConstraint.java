package io.k3mcp.engine.grammar;

import io.k3mcp.engine.sampling.TokenConstraint;
import io.k3mcp.engine.tokenizer.TokenType;
import io.k3mcp.engine.tokenizer.Tokenizer;

import java.util.BitSet;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A {@link JsonConstraint} applied to logits. The vocabulary side (token bytes and their trie) is built
 * once per tokenizer and shared by every request; the parse state and mask cache are per request.
 * Control, user-defined, unused and unknown tokens are never allowed (their bytes are not text the
 * document could contain); only the vocabulary's EOS ends the document, and only once it is complete.
 */
public final class JsonLogitConstraint implements TokenConstraint {
    private static final Map<Tokenizer, JsonConstraint> PROTOTYPES = new WeakHashMap<>();

    private final JsonConstraint constraint;

    JsonLogitConstraint(JsonConstraint constraint) {
        this.constraint = constraint;
    }

    /**
     * A fresh constraint for {@code schema} over {@code tokenizer}'s vocabulary.
     *
     * @throws SchemaException when the vocabulary cannot spell every JSON document (a printable ASCII
     *                         byte without its own token)
     */
    public static JsonLogitConstraint of(Schema schema, Tokenizer tokenizer) {
        JsonConstraint prototype;
        synchronized (PROTOTYPES) {
            prototype = PROTOTYPES.computeIfAbsent(tokenizer, t -> new JsonConstraint(schema, pieces(t), t.eos()));
        }
        return new JsonLogitConstraint(prototype.restart(schema));
    }

    /** The bytes of every token a JSON document may use; null for special tokens. */
    static byte[][] pieces(Tokenizer t) {
        byte[][] pieces = new byte[t.vocabSize()][];
        for (int id = 0; id < pieces.length; id++) {
            int type = t.tokenType(id);
            boolean text = type == TokenType.NORMAL || type == TokenType.BYTE || type == TokenType.UNDEFINED;
            byte[] p = text && !t.isEog(id) ? t.pieceBytes(id) : null;
            pieces[id] = p == null || p.length == 0 ? null : p;
        }
        return pieces;
    }

    /** Fewest tokens that can finish the document from the start. */
    public int minTokens() {
        return constraint.minTokensLeft();
    }

    @Override
    public void restrict(float[] logits, int tokensLeft) {
        BitSet allowed = constraint.mask(tokensLeft);
        for (int i = allowed.nextClearBit(0); i < logits.length; i = allowed.nextClearBit(i + 1)) {
            logits[i] = Float.NEGATIVE_INFINITY;
        }
    }

    @Override
    public void accept(int token) {
        constraint.accept(token);
    }

    @Override
    public boolean isComplete() {
        return constraint.isComplete();
    }
}
