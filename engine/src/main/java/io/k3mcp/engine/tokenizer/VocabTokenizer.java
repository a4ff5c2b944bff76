package io.k3mcp.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The llama_vocab behaviour shared by every tokenizer model: special tokens found in the text first,
 * BOS/EOS by the vocab's flags, the text runs between them handed to the model's
 * {@link FragmentEncoder}, and detokenizing from a per-token piece table.
 */
final class VocabTokenizer implements Tokenizer {
    private static final byte[] EMPTY = new byte[0];

    private final Vocab vocab;
    private final FragmentEncoder encoder;
    private final byte[][] pieces;
    private final boolean cleanSpaces;

    VocabTokenizer(Vocab vocab, FragmentEncoder encoder, byte[][] pieces, boolean cleanSpaces) {
        this.vocab = vocab;
        this.encoder = encoder;
        this.pieces = pieces;
        this.cleanSpaces = cleanSpaces;
    }

    /** A run of text, or a special token found in it ({@code token >= 0}). */
    private record Fragment(int token, String text) {
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList();
        if (addSpecial && vocab.flags().addBos()) {
            out.add(required(vocab.special().bos(), "BOS"));
        }
        boolean afterSpecial = true;
        for (Fragment f : partition(text, parseSpecial)) {
            if (f.token >= 0) {
                out.add(f.token);
                afterSpecial = true;
            } else {
                encoder.encode(f.text, afterSpecial, out);
                afterSpecial = false;
            }
        }
        if (addSpecial && vocab.flags().addEos()) {
            out.add(required(vocab.special().eos(), "EOS"));
        }
        return out.toArray();
    }

    private int required(int id, String what) {
        if (id < 0 || id >= vocab.size()) {
            throw new TokenizerException("the vocabulary asks for a " + what + " token but has no valid " + what + " id (" + id + ")");
        }
        return id;
    }

    /**
     * Splits out every occurrence of the special tokens, longest first (tokenizer_st_partition).
     * CONTROL and UNKNOWN tokens only count with {@code parseSpecial}; USER_DEFINED ones always do.
     */
    private List<Fragment> partition(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(new Fragment(-1, text));
        for (int id : vocab.matchedInText()) {
            if (!parseSpecial && vocab.hasAttr(id, TokenAttr.CONTROL | TokenAttr.UNKNOWN)) {
                continue;
            }
            String special = vocab.text(id);
            if (fragments.stream().noneMatch(f -> f.token < 0 && f.text.contains(special))) {
                continue;
            }
            List<Fragment> split = new ArrayList<>();
            for (Fragment f : fragments) {
                if (f.token >= 0) {
                    split.add(f);
                    continue;
                }
                int from = 0;
                for (int at = f.text.indexOf(special); at >= 0; at = f.text.indexOf(special, from)) {
                    if (at > from) {
                        split.add(new Fragment(-1, f.text.substring(from, at)));
                    }
                    split.add(new Fragment(id, null));
                    from = at + special.length();
                }
                if (from < f.text.length()) {
                    split.add(new Fragment(-1, f.text.substring(from)));
                }
            }
            fragments = split;
        }
        return fragments;
    }

    @Override
    public byte[] pieceBytes(int id) {
        return pieces[vocab.check(id)].clone();
    }

    @Override
    public byte[] textBytes(int id) {
        return vocab.hasAttr(id, TokenAttr.CONTROL | TokenAttr.UNKNOWN) ? EMPTY : pieces[id].clone();
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // the space add_space_prefix put in front of the text comes off the first token
        boolean stripSpace = vocab.flags().addSpacePrefix();
        for (int id : ids) {
            byte[] piece = vocab.hasAttr(id, TokenAttr.CONTROL | TokenAttr.UNKNOWN) ? EMPTY : pieces[id];
            int skip = stripSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            out.write(piece, skip, piece.length - skip);
            stripSpace = false;
        }
        byte[] bytes = out.toByteArray();
        int n = cleanSpaces ? SpaceCleanup.apply(bytes, bytes.length) : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int bos() {
        return vocab.special().bos();
    }

    @Override
    public int eos() {
        return vocab.special().eos();
    }

    @Override
    public boolean isEog(int id) {
        return vocab.isEog(id);
    }

    @Override
    public String tokenText(int id) {
        return vocab.text(id);
    }

    @Override
    public int tokenType(int id) {
        return vocab.type(id);
    }

    @Override
    public boolean addBos() {
        return vocab.flags().addBos();
    }

    @Override
    public boolean addEos() {
        return vocab.flags().addEos();
    }
}
