package io.k3mcp.engine.tokenizer;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pre-tokenizer regex run the way llama.cpp runs the ones it has no hand-written code for: on the
 * {@link PreText#collapsed() collapsed} text, with each {@code \p{X}} rewritten to that category's
 * placeholder plus its ASCII members, and {@code \s} meaning ASCII whitespace (std::regex in the C
 * locale; other whitespace was collapsed to U+000B). Unmatched text between matches is a piece too.
 * Only ASCII regexes are accepted, as in llama.cpp when a category is used.
 */
final class RegexSplit implements SplitStage {
    private static final Map<String, String> CATEGORY_CLASS = Map.of(
            "\\p{N}", PreText.NUMBER + "0-9",
            "\\p{L}", PreText.LETTER + "A-Za-z",
            "\\p{Lu}", PreText.LETTER + "A-Za-z",
            "\\p{Ll}", PreText.LETTER + "A-Za-z",
            "\\p{Lt}", PreText.LETTER + "A-Za-z",
            "\\p{Lm}", PreText.LETTER + "A-Za-z",
            "\\p{Lo}", PreText.LETTER + "A-Za-z",
            "\\p{P}", PreText.PUNCTUATION + "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}",
            "\\p{M}", String.valueOf(PreText.MARK),
            "\\p{S}", PreText.SYMBOL + "\\$\\+<->^`\\|");

    private final String source;
    private final Pattern pattern;

    RegexSplit(String llamaRegex) {
        this.source = llamaRegex;
        this.pattern = Pattern.compile(collapse(llamaRegex));
    }

    String source() {
        return source;
    }

    /** Rewrites the unicode categories of a llama.cpp pre-tokenizer regex for the collapsed text. */
    static String collapse(String regex) {
        StringBuilder out = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < regex.length(); i++) {
            char ch = regex.charAt(i);
            if (ch >= 128) {
                throw new IllegalArgumentException("pre-tokenizer regex has a non-ASCII character: " + regex);
            }
            boolean escaped = i > 0 && regex.charAt(i - 1) == '\\';
            if (ch == '[' && !escaped) {
                inside = true;
                out.append(ch);
                continue;
            }
            if (ch == ']' && inside && !escaped) {
                inside = false;
                out.append(ch);
                continue;
            }
            if (ch == '\\' && regex.startsWith("\\p{", i)) {
                int close = regex.indexOf('}', i + 3);
                String members = close < 0 ? null : CATEGORY_CLASS.get(regex.substring(i, close + 1));
                if (members != null) {
                    out.append(inside ? members : "[" + members + "]");
                    i = close;
                    continue;
                }
            }
            out.append(ch);
        }
        return out.toString();
    }

    @Override
    public void split(PreText text, int start, int length, IntList lengths) {
        Matcher m = pattern.matcher(text.collapsed());
        m.region(start, start + length);
        int done = start;
        while (m.find()) {
            if (m.start() > done) {
                lengths.add(m.start() - done);
            }
            if (m.end() > m.start()) {
                lengths.add(m.end() - m.start());
            }
            done = m.end();
        }
        if (done < start + length) {
            lengths.add(start + length - done);
        }
    }
}
