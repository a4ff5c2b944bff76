package io.k3mcp.engine.grammar;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Constrains generation to JSON that validates against a schema: before each token, {@link #mask}
 * says which tokens keep the output a prefix of some valid document that can still be finished within
 * the tokens left; end-of-sequence is allowed only once the document is complete. Masks are cached per
 * parse state (free text inside a string repeats the same state), so most steps cost a lookup; the
 * cache is shared with every {@link #restart} over the same vocabulary.
 */
public final class JsonConstraint {
    private final TokenTrie trie;
    private final byte[][] pieces;
    private final int eos;
    private final int vocabSize;
    private JsonState state;
    private final MaskCache cache;

    /**
     * @param pieces the bytes of every token (null for tokens never allowed: control and special tokens)
     * @param eos    the end-of-sequence token, allowed once the document is complete
     */
    public JsonConstraint(Schema schema, byte[][] pieces, int eos) {
        this(new TokenTrie(pieces), new MaskCache(MaskCache.DEFAULT_MAX_INTS), pieces, schema, eos);
    }

    private JsonConstraint(TokenTrie trie, MaskCache cache, byte[][] pieces, Schema schema, int eos) {
        this.trie = trie;
        this.cache = cache;
        this.pieces = pieces;
        this.eos = eos;
        this.vocabSize = pieces.length;
        this.state = JsonState.start(schema);
        requireSingleByteTokens(pieces);
    }

    /** The bytes of every token (null for tokens never allowed). */
    byte[][] pieces() {
        return pieces;
    }

    /** A fresh constraint for the same vocabulary (the trie and the mask cache are shared). */
    public JsonConstraint restart(Schema schema) {
        return new JsonConstraint(trie, cache, pieces, schema, eos);
    }

    private static void requireSingleByteTokens(byte[][] pieces) {
        BitSet single = new BitSet(256);
        for (byte[] p : pieces) {
            if (p != null && p.length == 1) {
                single.set(p[0] & 0xff);
            }
        }
        for (int b = 0x20; b < 0x7F; b++) {
            if (!single.get(b)) {
                throw new SchemaException("the vocabulary has no single-byte token for '" + (char) b
                        + "': constrained output could not always be finished");
            }
        }
    }

    /** Fewest tokens the document needs from here (each printable byte has its own token). */
    public int minTokensLeft() {
        return state.minRemaining();
    }

    /** Whether the next byte is inside a string value or key, where whitespace is content. */
    public boolean insideString() {
        return state.top() instanceof StringF sf && sf.phase() != StringF.Phase.START || state.top() instanceof KeyF;
    }

    public boolean isComplete() {
        return state.canFinish();
    }

    /**
     * The tokens allowed next when {@code tokensLeft} tokens (this one included) may still be generated.
     */
    public BitSet mask(int tokensLeft) {
        MaskCache.Entry entry = cache.get(state);
        if (entry == null) {
            entry = compute(state);
            cache.put(state, entry);
        }
        int[] ids = entry.ids();
        int[] rem = entry.remaining();
        BitSet allowed = new BitSet(vocabSize);
        int budgetAfter = tokensLeft - 1;
        for (int i = 0; i < ids.length; i++) {
            if (rem[i] <= budgetAfter) {
                allowed.set(ids[i]);
            }
        }
        if (state.canFinish() && eos >= 0) {
            allowed.set(eos);
        }
        return allowed;
    }

    private MaskCache.Entry compute(JsonState s) {
        int[] ids = new int[64];
        int[] rem = new int[64];
        int[] n = {0};
        int[][] holder = {ids, rem};
        trie.walk(s, (token, minAfter) -> {
            if (n[0] == holder[0].length) {
                holder[0] = Arrays.copyOf(holder[0], n[0] * 2);
                holder[1] = Arrays.copyOf(holder[1], n[0] * 2);
            }
            holder[0][n[0]] = token;
            holder[1][n[0]] = minAfter;
            n[0]++;
        });
        return new MaskCache.Entry(Arrays.copyOf(holder[0], n[0]), Arrays.copyOf(holder[1], n[0]));
    }

    /** Advances past a generated token; a token the mask did not allow is an error. */
    public void accept(int token) {
        if (token == eos) {
            if (!state.canFinish()) {
                throw new IllegalStateException("end of sequence before the JSON document is complete");
            }
            return;
        }
        byte[] p = token >= 0 && token < pieces.length ? pieces[token] : null;
        JsonState next = p == null ? null : state.advance(p);
        if (next == null) {
            throw new IllegalStateException("token " + token + " does not continue the constrained JSON");
        }
        state = next;
    }
}
