package io.k3mcp.engine.tokenizer;

import io.k3mcp.engine.gguf.GgufMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/** Reads the {@code tokenizer.ggml.*} metadata into a {@link Vocab} the way llama_vocab::load does. */
final class VocabLoader {
    private static final Logger LOG = LoggerFactory.getLogger(VocabLoader.class);
    static final String TOKENS = "tokenizer.ggml.tokens";
    static final String SCORES = "tokenizer.ggml.scores";
    static final String TOKEN_TYPE = "tokenizer.ggml.token_type";

    private VocabLoader() {
    }

    static Vocab load(GgufMetadata meta, VocabDefaults defaults) {
        String[] raw = meta.stringArray(TOKENS);
        if (raw == null) {
            throw new TokenizerException("metadata '" + TOKENS + "' (the token list) is missing: the file carries no tokenizer");
        }
        int n = raw.length;
        if (n == 0) {
            throw new TokenizerException("metadata '" + TOKENS + "' is empty");
        }
        float[] scores = meta.floatArray(SCORES);
        if (scores == null) {
            scores = new float[n];
        } else if (scores.length != n) {
            throw new TokenizerException("metadata '" + SCORES + "' has " + scores.length + " entries but '" + TOKENS + "' has " + n);
        }
        int[] types = meta.intArray(TOKEN_TYPE);
        if (types == null) {
            types = new int[n];
            Arrays.fill(types, TokenType.NORMAL);
        } else if (types.length != n) {
            throw new TokenizerException("metadata '" + TOKEN_TYPE + "' has " + types.length + " entries but '" + TOKENS + "' has " + n);
        }

        String[] texts = new String[n];
        int[] attrs = new int[n];
        Map<String, Integer> ids = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            // llama.cpp renames empty strings so that every token has a distinct, non-empty text
            texts[i] = raw[i].isEmpty() ? "[EMPTY_" + i + "]" : raw[i];
            ids.put(texts[i], i);
            attrs[i] = TokenAttr.fromType(types[i]);
        }

        SpecialTokenRules rules = new SpecialTokenRules(texts, attrs, ids);
        rules.readIds(meta, defaults);
        boolean addBos = meta.getBool("tokenizer.ggml.add_bos_token", defaults.addBos()) || defaults.forceAddBos();
        boolean addEos = meta.getBool("tokenizer.ggml.add_eos_token", defaults.addEos());
        boolean addSpacePrefix = meta.getBool("tokenizer.ggml.add_space_prefix", defaults.addSpacePrefix());
        rules.resolveByText();

        Vocab.SpecialIds special = rules.specialIds();
        LOG.debug("vocab loaded n_tokens={} bos={} eos={} unk={} eot={} eom={} add_bos={} add_eos={} add_space_prefix={}",
                n, special.bos(), special.eos(), special.unk(), special.eot(), special.eom(), addBos, addEos, addSpacePrefix);
        return new Vocab(texts, types, scores, attrs, ids, special, new Vocab.Flags(addBos, addEos, addSpacePrefix),
                rules.eogIds(), matchedInText(texts, attrs));
    }

    /** The tokens looked for in raw text before tokenizing, longest (in bytes) first, ties by id. */
    private static int[] matchedInText(String[] texts, int[] attrs) {
        int mask = TokenAttr.CONTROL | TokenAttr.USER_DEFINED | TokenAttr.UNKNOWN;
        int[] byteLength = new int[texts.length];
        for (int i = 0; i < texts.length; i++) {
            byteLength[i] = texts[i].getBytes(StandardCharsets.UTF_8).length;
        }
        return IntStream.range(0, texts.length)
                .filter(i -> (attrs[i] & mask) != 0)
                .boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -byteLength[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
