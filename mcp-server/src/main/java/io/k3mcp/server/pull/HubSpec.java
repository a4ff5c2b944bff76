package io.k3mcp.server.pull;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code k3mcp pull} fetches: {@code hf://OWNER/REPO/PATH.gguf} (one file), or {@code OWNER/REPO:QUANT} /
 * {@code OWNER/REPO} (the repository's GGUF of that quantisation, Q4_K_M by default, as llama.cpp's -hf).
 *
 * @param repo  OWNER/REPO
 * @param file  the file's path in the repository; null when chosen by {@code quant}
 * @param quant the quantisation to look up (upper case); null when {@code file} is given
 */
public record HubSpec(String repo, String file, String quant) {
    public static final String DEFAULT_QUANT = "Q4_K_M";
    private static final String PART = "[A-Za-z0-9][A-Za-z0-9._-]*";
    private static final Pattern FILE = Pattern.compile("hf://(" + PART + "/" + PART + ")/(.+\\.gguf)", Pattern.CASE_INSENSITIVE);
    private static final Pattern QUANT = Pattern.compile("(?:hf://)?(" + PART + "/" + PART + ")(?::([A-Za-z0-9_]+))?");
    private static final String FORMS = "expected hf://OWNER/REPO/FILE.gguf or OWNER/REPO:QUANT (e.g. "
            + "Qwen/Qwen3-0.6B-GGUF:Q8_0)";

    /** @throws IllegalArgumentException naming what was wrong and the accepted forms */
    public static HubSpec parse(String text) {
        Matcher f = FILE.matcher(text);
        if (f.matches()) {
            String file = f.group(2);
            for (String segment : file.split("/")) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw new IllegalArgumentException("\"" + text + "\": the file path has an empty, . or .. segment");
                }
            }
            return new HubSpec(f.group(1), file, null);
        }
        Matcher q = QUANT.matcher(text);
        if (q.matches() && !q.group(1).toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            String quant = q.group(2) == null ? DEFAULT_QUANT : q.group(2).toUpperCase(Locale.ROOT);
            return new HubSpec(q.group(1), null, quant);
        }
        throw new IllegalArgumentException("\"" + text + "\": " + FORMS);
    }

    /** The file's name in the models directory: its last path segment. */
    public static String fileName(String file) {
        return file.substring(file.lastIndexOf('/') + 1);
    }
}
