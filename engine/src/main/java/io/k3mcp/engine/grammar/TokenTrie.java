package io.k3mcp.engine.grammar;

import java.util.Arrays;

/**
 * The vocabulary as a byte trie, so a token mask is one walk that prunes every token sharing a
 * rejected prefix. Built once per tokenizer; nodes live in parallel int arrays.
 */
final class TokenTrie {
    private int[] firstChild;
    private int[] nextSibling;
    private int[] label;
    private int[] firstToken;
    private final int[] nextToken;
    private int nodes;
    final int maxLength;

    TokenTrie(byte[][] pieces) {
        int cap = 1024;
        firstChild = new int[cap];
        nextSibling = new int[cap];
        label = new int[cap];
        firstToken = new int[cap];
        nextToken = new int[pieces.length];
        Arrays.fill(firstChild, -1);
        Arrays.fill(firstToken, -1);
        nodes = 1;
        int longest = 0;
        for (int id = 0; id < pieces.length; id++) {
            byte[] p = pieces[id];
            if (p == null || p.length == 0) {
                continue;
            }
            longest = Math.max(longest, p.length);
            int node = 0;
            for (byte b : p) {
                node = child(node, b & 0xff);
            }
            nextToken[id] = firstToken[node];
            firstToken[node] = id;
        }
        maxLength = longest;
    }

    private int child(int node, int b) {
        for (int c = firstChild[node]; c >= 0; c = nextSibling[c]) {
            if (label[c] == b) {
                return c;
            }
        }
        if (nodes == firstChild.length) {
            int cap = nodes * 2;
            firstChild = Arrays.copyOf(firstChild, cap);
            nextSibling = Arrays.copyOf(nextSibling, cap);
            label = Arrays.copyOf(label, cap);
            firstToken = Arrays.copyOf(firstToken, cap);
            Arrays.fill(firstChild, nodes, cap, -1);
            Arrays.fill(firstToken, nodes, cap, -1);
        }
        int n = nodes++;
        label[n] = b;
        nextSibling[n] = firstChild[node];
        firstChild[node] = n;
        return n;
    }

    /** Receives each token the state accepts, with the document's fewest remaining bytes after it. */
    interface Visitor {
        void accept(int token, int minRemainingAfter);
    }

    /** Walks every token whose bytes the state accepts. */
    void walk(JsonState state, Visitor visitor) {
        walk(0, state, visitor);
    }

    private void walk(int node, JsonState state, Visitor visitor) {
        for (int c = firstChild[node]; c >= 0; c = nextSibling[c]) {
            JsonState next = state.advance(label[c]);
            if (next == null) {
                continue;
            }
            if (firstToken[c] >= 0) {
                int rem = next.minRemaining();
                for (int t = firstToken[c]; t >= 0; t = nextToken[t]) {
                    visitor.accept(t, rem);
                }
            }
            walk(c, next, visitor);
        }
    }

    int nodeCount() {
        return nodes;
    }
}
