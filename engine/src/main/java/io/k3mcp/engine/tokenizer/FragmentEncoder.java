package io.k3mcp.engine.tokenizer;

/** Tokenizes one run of plain text (the text between special tokens) and appends the ids. */
interface FragmentEncoder {
    /**
     * @param afterSpecial true for the first fragment and for a fragment that follows a special
     *                     token (SentencePiece prefixes those with a space)
     */
    void encode(String text, boolean afterSpecial, IntList out);
}
