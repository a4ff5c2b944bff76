package io.k3mcp.server.cli;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.engine.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code k3mcp tokenize}: the model's tokenizer only (no weights are touched), as llama_tokenize with
 * add_special (unless --no-bos) and parse_special (with --special). Prints one {@code id -> 'piece'}
 * line per token, or {@code {"ids": [...], "pieces": [...]}} with --json.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Tokenize text with a GGUF model's tokenizer.")
public final class TokenizeCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "GGUF model file whose tokenizer is used.")
    Path model;

    @Option(names = "--text", required = true, description = "Text to tokenize.")
    String text;

    @Option(names = "--no-bos", description = "Do not add the special tokens (BOS/EOS) the vocabulary asks for.")
    boolean noBos;

    @Option(names = "--special", description = "Parse control tokens written in the text, such as <|im_start|>.")
    boolean special;

    /** The --json document; pieces are the token bytes as UTF-8 text (invalid bytes become U+FFFD). */
    record Result(int[] ids, List<String> pieces) {
    }

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(model)) {
            throw new UsageException("--model: no such file: " + model);
        }
        Tokenizer tokenizer = Tokenizers.fromFile(model);
        int[] ids = tokenizer.encode(text, !noBos, special);
        List<String> pieces = new ArrayList<>(ids.length);
        for (int id : ids) {
            pieces.add(new String(tokenizer.pieceBytes(id), StandardCharsets.UTF_8));
        }
        // UTF-8 whatever the platform charset; JSON is ASCII-escaped so any terminal shows it intact
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (common.json) {
            JsonMapper json = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
            out.println(json.writeValueAsString(new Result(ids, pieces)));
        } else {
            for (int i = 0; i < ids.length; i++) {
                out.printf("%6d -> '%s'%n", ids[i], pieces.get(i));
            }
        }
        out.flush();
        return 0;
    }
}
