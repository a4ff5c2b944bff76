package io.k3mcp.tools.generate;

import io.k3mcp.engine.session.TokenListener;
import io.k3mcp.tools.Progress;

/**
 * A generation's progress as one rising count: the prompt's tokens as each prefill batch lands (a long
 * prompt reports per batch), then one per generated token; the total is prompt + max_tokens.
 */
final class ProgressListener implements TokenListener {
    private final Progress progress;
    private final int promptTokens;
    private final double total;

    ProgressListener(Progress progress, int promptTokens, int maxTokens) {
        this.progress = progress;
        this.promptTokens = promptTokens;
        this.total = promptTokens + (double) maxTokens;
    }

    @Override
    public void onPrefill(int done, int prompt) {
        progress.report(done, total, "prefill " + done + "/" + prompt + " tokens");
    }

    @Override
    public void onToken(int index, int token, String textDelta) {
        progress.report(promptTokens + index + 1, total, "token " + (index + 1));
    }
}
