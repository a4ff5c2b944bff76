package io.k3mcp.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.engine.chat.ChatInputException;
import io.k3mcp.engine.chat.ChatMessages;
import io.k3mcp.engine.chat.ChatTemplate;
import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.tokenizer.Tokenizers;
import io.k3mcp.tools.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code k3mcp template}: renders chat messages with the model's chat template (its GGUF
 * {@code tokenizer.chat_template}, or the built-in format for its architecture) exactly as
 * {@code generate} does, so renderings can be checked outside the engine. Only the metadata is read.
 * Prints the prompt (its source on stderr), or {@code {"prompt", "template_source"}} with --json.
 */
@Command(name = "template", mixinStandardHelpOptions = true,
        description = "Render chat messages with a GGUF model's chat template.")
public final class TemplateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "GGUF model file.")
    Path model;

    @Option(names = "--messages", required = true, description = "JSON file: an array of {role, content} messages "
            + "(roles system, user, assistant, tool; assistant tool_calls as in the OpenAI/HF format).")
    Path messages;

    @Option(names = "--tools", description = "JSON file: an array of function definitions "
            + "({\"type\": \"function\", \"function\": {name, description, parameters}} or just {name, description, parameters}).")
    Path tools;

    @Option(names = "--no-generation-prompt", description = "Do not open the assistant's turn at the end.")
    boolean noGenerationPrompt;

    /** The --json document (CONTRACT.md). */
    record Result(String prompt, String templateSource) {
    }

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(model)) {
            throw new UsageException("--model: no such file: " + model);
        }
        JsonNode messageJson = readJson("--messages", messages);
        JsonNode toolJson = tools == null ? null : readJson("--tools", tools);
        ChatTemplate.Prompt prompt;
        try (GgufFile file = GgufFile.open(model)) {
            ChatTemplate template = ChatTemplate.of(file.metadata(), Tokenizers.fromGguf(file.metadata()));
            List<Object> m = ChatMessages.messages(messageJson);
            prompt = template.render(m, ChatMessages.tools(toolJson), !noGenerationPrompt);
        } catch (ChatInputException e) {
            throw new UsageException("--" + e.argument() + ": " + e.getMessage());
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (common.json) {
            out.println(Json.MAPPER.writeValueAsString(new Result(prompt.text(), prompt.source())));
        } else {
            out.print(prompt.text());
            System.err.println("[template_source " + prompt.source() + "]");
        }
        out.flush();
        return 0;
    }

    static JsonNode readJson(String flag, Path file) {
        try {
            return Json.MAPPER.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new UsageException(flag + ": file not found: " + file);
        } catch (IOException e) {
            throw new UsageException(flag + ": cannot read " + file + " as JSON: " + e.getMessage());
        }
    }
}
