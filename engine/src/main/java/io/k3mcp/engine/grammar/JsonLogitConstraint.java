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
    /**
     * Most whitespace allowed in a row between JSON tokens: enough for a newline and indentation, short
     * of the endless runs weak models fall into. JSON never needs whitespace, so masking it cannot make
     * a document unfinishable.
     */
    static final int MAX_BLANK_RUN = 24;

    private final JsonConstraint constraint;
    private final byte[][] pieces;
    private int blankRun;

    JsonLogitConstraint(JsonConstraint constraint, byte[][] pieces) {
        this.constraint = constraint;
        this.pieces = pieces;
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
        return new JsonLogitConstraint(prototype.restart(schema), prototype.pieces());
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
        if (!constraint.insideString()) {
            limitBlanks(allowed);
        }
        for (int i = allowed.nextClearBit(0); i < logits.length; i = allowed.nextClearBit(i + 1)) {
            logits[i] = Float.NEGATIVE_INFINITY;
        }
    }

    /**
     * Removes tokens whose leading whitespace would make the run between JSON tokens longer than
     * {@link #MAX_BLANK_RUN}, unless nothing else would be left.
     */
    private void limitBlanks(BitSet allowed) {
        int room = MAX_BLANK_RUN - blankRun;
        BitSet drop = new BitSet();
        boolean other = false;
        for (int i = allowed.nextSetBit(0); i >= 0; i = allowed.nextSetBit(i + 1)) {
            byte[] p = i < pieces.length ? pieces[i] : null;
            if (p != null && leadingBlanks(p) > room) {
                drop.set(i);
            } else {
                other = true;
            }
        }
        if (other) {
            allowed.andNot(drop);
        }
    }

    @Override
    public void accept(int token) {
        boolean wasInString = constraint.insideString();
        constraint.accept(token);
        byte[] p = token >= 0 && token < pieces.length ? pieces[token] : null;
        if (p == null || constraint.insideString()) {
            blankRun = 0;
        } else {
            int tail = trailingBlanks(p);
            blankRun = tail == p.length && !wasInString ? blankRun + tail : tail;
        }
    }

    private static boolean blank(byte b) {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }

    private static int leadingBlanks(byte[] p) {
        int n = 0;
        while (n < p.length && blank(p[n])) {
            n++;
        }
        return n;
    }

    private static int trailingBlanks(byte[] p) {
        int n = 0;
        for (int i = p.length - 1; i >= 0 && blank(p[i]); i--) {
            n++;
        }
        return n;
    }

    @Override
    public boolean isComplete() {
        return constraint.isComplete();
    }
}
