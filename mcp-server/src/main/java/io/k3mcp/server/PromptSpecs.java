package io.k3mcp.server;

import io.k3mcp.prompts.PromptArgumentException;
import io.k3mcp.prompts.PromptCatalog;
import io.k3mcp.prompts.PromptTemplate;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/** The prompt catalog as MCP prompts: a missing or unknown argument is an invalid-params error naming it. */
public final class PromptSpecs {
    private PromptSpecs() {
    }

    public static List<McpServerFeatures.AsyncPromptSpecification> from(PromptCatalog catalog) {
        return catalog.prompts().stream().map(PromptSpecs::specification).toList();
    }

    /** Completions of each prompt's arguments from the values its catalog entry suggests. */
    public static List<McpServerFeatures.AsyncCompletionSpecification> completions(PromptCatalog catalog) {
        return catalog.prompts().stream().map(template -> new McpServerFeatures.AsyncCompletionSpecification(
                new McpSchema.PromptReference(template.name()), (exchange, request) -> Mono.fromCallable(() -> {
                    String argument = request.argument() == null ? "" : request.argument().name();
                    List<String> values = template.arguments().stream().filter(a -> a.name().equals(argument))
                            .findFirst().map(a -> a.complete(request.argument().value())).orElse(List.of());
                    return new McpSchema.CompleteResult(
                            new McpSchema.CompleteResult.CompleteCompletion(values, values.size(), false));
                }))).toList();
    }

    private static McpServerFeatures.AsyncPromptSpecification specification(PromptTemplate template) {
        List<McpSchema.PromptArgument> arguments = template.arguments().stream()
                .map(a -> new McpSchema.PromptArgument(a.name(), null, a.description()
                        + (a.required() ? "" : " Default: " + a.defaultValue() + "."), a.required()))
                .toList();
        McpSchema.Prompt prompt = new McpSchema.Prompt(template.name(), template.title(), template.description(),
                arguments);
        return new McpServerFeatures.AsyncPromptSpecification(prompt, (exchange, request) -> Mono.fromCallable(() -> {
            try {
                String text = template.render(strings(request.arguments()));
                return new McpSchema.GetPromptResult(template.description(),
                        List.of(new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent(text))));
            } catch (PromptArgumentException e) {
                throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message(e.getMessage()).build();
            }
        }));
    }

    private static Map<String, String> strings(Map<String, Object> arguments) {
        Map<String, String> values = new HashMap<>();
        if (arguments != null) {
            arguments.forEach((k, v) -> {
                if (v != null) {
                    values.put(k, v.toString());
                }
            });
        }
        return values;
    }
}
