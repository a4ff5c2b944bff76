package io.k3mcp.engine.tokenizer;

import io.k3mcp.engine.gguf.GgufMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * llama.cpp's special-token rules: ids from {@code tokenizer.ggml.*_token_id} (an id outside the
 * vocab keeps the default, with a warning), end-of-turn / fill-in-the-middle tokens found by their
 * text when no id is given, such tokens forced to CONTROL, and the end-of-generation (EOG) set.
 * When several tokens fit one role, the lowest id takes it (llama.cpp takes whichever its hash map
 * yields first).
 */
final class SpecialTokenRules {
    private static final Logger LOG = LoggerFactory.getLogger(SpecialTokenRules.class);

    enum Role {
        BOS("bos_token_id"), EOS("eos_token_id"), EOT("eot_token_id"), EOM("eom_token_id"),
        UNK("unknown_token_id"), SEP("seperator_token_id"), PAD("padding_token_id"), MASK("mask_token_id"),
        FIM_PRE("fim_pre_token_id"), FIM_SUF("fim_suf_token_id"), FIM_MID("fim_mid_token_id"),
        FIM_PAD("fim_pad_token_id"), FIM_REP("fim_rep_token_id"), FIM_SEP("fim_sep_token_id");

        final String key;

        Role(String key) {
            this.key = "tokenizer.ggml." + key;
        }
    }

    /** Deprecated spellings of the fill-in-the-middle keys, read after the current ones. */
    private static final Map<String, Role> DEPRECATED_KEYS = Map.of(
            "tokenizer.ggml.prefix_token_id", Role.FIM_PRE,
            "tokenizer.ggml.suffix_token_id", Role.FIM_SUF,
            "tokenizer.ggml.middle_token_id", Role.FIM_MID);

    /** Roles found by token text when the metadata gives no id (llama_vocab::load's lists). */
    private static final Map<Role, List<String>> BY_TEXT = Map.of(
            Role.EOT, List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
                    "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>"),
            Role.EOM, List.of("<|eom_id|>"),
            Role.FIM_PRE, List.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>",
                    "<|code_prefix|>", "<|prefix|>"),
            Role.FIM_SUF, List.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>",
                    "<|code_suffix|>", "<|suffix|>"),
            Role.FIM_MID, List.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>",
                    "<|code_middle|>", "<|middle|>"),
            Role.FIM_PAD, List.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"),
            Role.FIM_REP, List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"),
            Role.FIM_SEP, List.of("<|file_sep|>"));

    /** Every token with one of these texts ends generation. */
    private static final List<String> EOG_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>",
            "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
            "<|end_of_text|>", "<end_of_utterance>");

    /** gpt-oss tokens llama.cpp always renders as text. */
    private static final List<String> ALWAYS_RENDERED = List.of("<|channel|>", "<|message|>", "<|start|>", "<|constrain|>");

    private final String[] texts;
    private final int[] attrs;
    private final Map<String, Integer> ids;
    private final EnumMap<Role, Integer> roles = new EnumMap<>(Role.class);
    private final BitSet eog = new BitSet();

    SpecialTokenRules(String[] texts, int[] attrs, Map<String, Integer> ids) {
        this.texts = texts;
        this.attrs = attrs;
        this.ids = ids;
    }

    void readIds(GgufMetadata meta, VocabDefaults defaults) {
        roles.put(Role.BOS, defaults.bos());
        roles.put(Role.EOS, defaults.eos());
        roles.put(Role.UNK, defaults.unk());
        for (Role role : Role.values()) {
            readId(meta, role.key, role);
        }
        DEPRECATED_KEYS.forEach((key, role) -> readId(meta, key, role));
    }

    private void readId(GgufMetadata meta, String key, Role role) {
        OptionalLong v = meta.optLong(key);
        if (v.isEmpty()) {
            return;
        }
        long id = v.getAsLong();
        if (id < 0 || id >= texts.length) {
            LOG.warn("bad special token: '{}' = {} is outside the vocabulary (n_tokens={}), using default id {}",
                    key, id, texts.length, role(role));
            return;
        }
        roles.put(role, (int) id);
    }

    private int role(Role role) {
        return roles.getOrDefault(role, -1);
    }

    /** Text-based detection, CONTROL overrides and the EOG set, in llama_vocab::load's order. */
    void resolveByText() {
        for (Role role : List.of(Role.EOT, Role.EOM, Role.FIM_PRE, Role.FIM_SUF, Role.FIM_MID,
                Role.FIM_PAD, Role.FIM_REP, Role.FIM_SEP)) {
            if (role(role) < 0) {
                int found = lowestIdOf(BY_TEXT.get(role));
                if (found >= 0) {
                    roles.put(role, found);
                    forceControl(found);
                }
            }
        }
        for (Role role : List.of(Role.FIM_PAD, Role.FIM_REP, Role.FIM_SEP)) {
            if (role(role) >= 0) {
                eog.set(role(role));
            }
        }
        for (String text : EOG_TEXTS) {
            Integer id = ids.get(text);
            if (id != null) {
                eog.set(id);
                forceControl(id);
            }
        }
        for (String text : ALWAYS_RENDERED) {
            Integer id = ids.get(text);
            if (id != null) {
                attrs[id] = TokenAttr.USER_DEFINED;
            }
        }
        for (Role role : List.of(Role.EOS, Role.EOT, Role.EOM)) {
            if (role(role) >= 0 && role(role) < texts.length) {
                eog.set(role(role));
            }
        }
        dropHarmonyEnd();
    }

    /** o200k_harmony / solar-open: {@code <|end|>} ends a message, not generation, when these companions exist. */
    private void dropHarmonyEnd() {
        boolean hasReturn = eogHas("<|return|>");
        boolean hasCall = eogHas("<|call|>") || eogHas("<|calls|>");
        boolean hasFlush = eogHas("<|flush|>");
        Integer end = ids.get("<|end|>");
        if (end != null && eog.get(end) && ((hasReturn && hasCall) || (hasCall && hasFlush))) {
            eog.clear(end);
            attrs[end] = TokenAttr.USER_DEFINED;
        }
    }

    private boolean eogHas(String text) {
        Integer id = ids.get(text);
        return id != null && eog.get(id);
    }

    private int lowestIdOf(List<String> candidates) {
        int best = -1;
        for (String text : candidates) {
            Integer id = ids.get(text);
            if (id != null && (best < 0 || id < best)) {
                best = id;
            }
        }
        return best;
    }

    private void forceControl(int id) {
        if ((attrs[id] & TokenAttr.CONTROL) == 0) {
            LOG.warn("control-looking token {} '{}' was not control-type; treating it as control", id, texts[id]);
            attrs[id] |= TokenAttr.CONTROL;
        }
    }

    Vocab.SpecialIds specialIds() {
        return new Vocab.SpecialIds(role(Role.BOS), role(Role.EOS), role(Role.UNK), role(Role.EOT), role(Role.EOM));
    }

    BitSet eogIds() {
        return eog;
    }
}
