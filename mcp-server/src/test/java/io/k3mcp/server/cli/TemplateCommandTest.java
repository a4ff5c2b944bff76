package io.k3mcp.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufTensor;
import io.k3mcp.engine.gguf.GgufValueType;
import io.k3mcp.engine.gguf.GgufWriter;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.engine.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code k3mcp template}: the built-in path on the shared models, the GGUF path on a copy with a template added. */
class TemplateCommandTest {
    private static final ObjectMapper M = new ObjectMapper();
    private String stdout;
    private String stderr;

    private int run(String... args) {
        CliCapture.Result r = CliCapture.run(args);
        stdout = r.stdout();
        stderr = r.stderr();
        return r.status();
    }

    private static Path model(String file) {
        return CliCapture.sharedModel(file);
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** The ChatML conversation written out by hand from the format: system, user, then the open assistant turn. */
    private static final String CHATML = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
            + "<|im_start|>assistant\n";
    private static final String MESSAGES = "[{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hi\"}]";

    @Test
    void sharedModelsHaveNoTemplateSoTheBuiltinRenders(@TempDir Path dir) throws IOException {
        Path messages = write(dir, "m.json", MESSAGES);
        assertEquals(0, run("template", "--model", model("qwen3-mini-q8_0.gguf").toString(), "--messages", messages.toString(), "--json"));
        JsonNode r = M.readTree(stdout);
        assertEquals("builtin:chatml", r.get("template_source").asText());
        assertEquals(CHATML, r.get("prompt").asText());

        assertEquals(0, run("template", "--model", model("llama-mini-q8_0.gguf").toString(), "--messages", messages.toString(),
                "--no-generation-prompt"));
        assertEquals("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST]", stdout);
        assertTrue(stderr.contains("builtin:llama2"), stderr);
    }

    @Test
    void ggufTemplateIsUsedWhenTheFileHasOne(@TempDir Path dir) throws IOException {
        Path src = model("qwen3-mini-q8_0.gguf");
        Path withTemplate = dir.resolve("with-template.gguf");
        // a template that shows every input HF passes: bos/eos strings, tools, add_generation_prompt
        String template = "[{{ bos_token }}|{{ eos_token }}]{% for m in messages %}<{{ m.role }}:{{ m.content }}>{% endfor %}"
                + "{% if tools %}{% for t in tools %}({{ t.function.name }}){% endfor %}{% endif %}"
                + "{% if add_generation_prompt %}<assistant:{% endif %}";
        try (GgufFile f = GgufFile.open(src)) {
            GgufWriter w = new GgufWriter();
            f.metadata().asMap().forEach((k, v) -> w.put(k, v.type(), v.value()));
            w.put("tokenizer.chat_template", GgufValueType.STRING, template);
            for (GgufTensor t : f.tensors()) {
                w.addTensor(t.name(), t.type(), t.ne(), f.data(t));
            }
            w.write(withTemplate);
        }
        Path messages = write(dir, "m.json", MESSAGES);
        Path tools = write(dir, "t.json", "[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": {}}}]");
        assertEquals(0, run("template", "--model", withTemplate.toString(), "--messages", messages.toString(),
                "--tools", tools.toString(), "--json"));
        JsonNode r = M.readTree(stdout);
        assertEquals("gguf", r.get("template_source").asText());
        Tokenizer vocab = Tokenizers.fromFile(src); // bos_token and eos_token are the vocabulary's own strings
        assertEquals("[" + vocab.tokenText(vocab.bos()) + "|" + vocab.tokenText(vocab.eos())
                + "]<system:Be brief.><user:Hi>(get_weather)<assistant:", r.get("prompt").asText());
    }

    @Test
    void badInputIsAUsageErrorNamingTheFlag(@TempDir Path dir) throws IOException {
        String qwen = model("qwen3-mini-q8_0.gguf").toString();
        Path good = write(dir, "m.json", MESSAGES);
        assertEquals(2, run("template", "--model", dir.resolve("absent.gguf").toString(), "--messages", good.toString()));
        assertTrue(stderr.contains("--model"), stderr);
        assertEquals(2, run("template", "--model", qwen, "--messages", dir.resolve("absent.json").toString()));
        assertTrue(stderr.contains("--messages: file not found"), stderr);
        assertEquals(2, run("template", "--model", qwen, "--messages", write(dir, "bad.json", "[{\"role\": ").toString()));
        assertTrue(stderr.contains("--messages: cannot read"), stderr);
        assertEquals(2, run("template", "--model", qwen, "--messages", write(dir, "norole.json", "[{\"content\": \"x\"}]").toString()));
        assertTrue(stderr.contains("--messages: message 0: role"), stderr);
        assertEquals(2, run("template", "--model", qwen, "--messages", good.toString(), "--tools",
                write(dir, "t.json", "{\"name\": \"f\"}").toString()));
        assertTrue(stderr.contains("--tools: expected an array"), stderr);
        assertEquals(2, run("template", "--model", qwen));
    }

    @Test
    void unreadableModelIsARuntimeError(@TempDir Path dir) throws IOException {
        Path junk = write(dir, "junk.gguf", "not a gguf file");
        assertEquals(1, run("template", "--model", junk.toString(), "--messages", write(dir, "m.json", MESSAGES).toString()));
        assertTrue(stderr.startsWith("k3mcp: error:"), stderr);
    }
}
