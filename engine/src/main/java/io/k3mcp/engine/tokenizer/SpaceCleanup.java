package io.k3mcp.engine.tokenizer;

/**
 * llama_detokenize's clean_spaces passes (HF clean_up_tokenization_spaces), applied in place to the
 * decoded bytes: drop the space before {@code ? ! . ,}; drop the spaces around a lone {@code '};
 * drop the space before {@code 's 'm 're 've}.
 */
final class SpaceCleanup {
    private SpaceCleanup() {
    }

    /** Cleans {@code t[0..n)} in place and returns the new length. */
    static int apply(byte[] t, int n) {
        // first pass: " ?", " !", " .", " ,"
        int total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = t[i];
            if (t[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) {
                total--;
            }
            t[total++] = x;
        }
        // second pass: " ' " loses both spaces; the skipped space is zeroed, as llama.cpp does
        int n2 = total;
        total = n2 > 0 ? 1 : 0;
        for (int i = 1; i < n2; i++) {
            byte x = t[i];
            if (x == '\'' && i + 1 < n2 && t[i - 1] == ' ' && t[i + 1] == ' ') {
                total--;
                t[++i] = 0;
            }
            t[total++] = x;
        }
        // third pass: " 's", " 'm", " 're", " 've" lose the space (" 't", " 'd", " 'll" keep it)
        int n3 = total;
        total = n3 > 0 ? 1 : 0;
        for (int i = 1; i < n3; i++) {
            byte x = t[i];
            if (t[i - 1] == ' ' && x == '\'' && i + 1 < n3) {
                byte x1 = t[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    total--;
                } else if (x1 != 't' && x1 != 'd' && i + 2 < n3) {
                    byte x2 = t[i + 2];
                    if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) {
                        total--;
                    }
                }
            }
            t[total++] = x;
        }
        return total;
    }
}
