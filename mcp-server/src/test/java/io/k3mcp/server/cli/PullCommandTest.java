package io.k3mcp.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.server.pull.FakeHub;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.models.ModelCatalog;
import io.k3mcp.tools.models.ModelEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** k3mcp pull from the command line against a local imitation of the hub; the pulled model is then served by name. */
class PullCommandTest {

    @Test
    void pullWritesAVerifiedModelThatTheCatalogueOffersByName(@TempDir Path dir) throws Exception {
        try (FakeHub hub = new FakeHub()) {
            byte[] model = Files.readAllBytes(CliCapture.sharedModel("qwen3-mini-q4_k_m.gguf"));
            hub.files.put("Qwen3-Mini-Q4_K_M.gguf", model);
            hub.files.put("Qwen3-Mini-F16.gguf", new byte[] {1});
            CliCapture.Result r = CliCapture.run("pull", "owner/repo:Q4_K_M", "--endpoint", hub.endpoint().toString(),
                    "--models-dir", dir.toString(), "--json");
            assertEquals(0, r.status(), r.stderr());
            JsonNode out = Json.parse(r.stdout());
            assertEquals("qwen3-mini-q4_k_m", out.get("name").asText());
            assertEquals(dir.resolve("Qwen3-Mini-Q4_K_M.gguf").toString(), out.get("path").asText());
            assertEquals(FakeHub.sha256(model), out.get("sha256").asText());
            assertEquals(model.length, out.get("size_bytes").asLong());
            assertTrue(r.stderr().contains("pull: Qwen3-Mini-Q4_K_M.gguf 100%"), r.stderr());
            ModelEntry entry = ModelCatalog.open(List.of(dir), false).entries().get(0);
            assertEquals("qwen3-mini-q4_k_m", entry.name());
            assertEquals("qwen3", entry.architecture());
            assertEquals(List.of("Qwen3-Mini-Q4_K_M.gguf"), Files.list(dir).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).toList(), "no .part left; the lock file is hidden");
        }
    }

    @Test
    void badSpecsAreUsageErrorsAndHubErrorsRuntimeErrors(@TempDir Path dir) throws Exception {
        CliCapture.Result bad = CliCapture.run("pull", "just-a-name", "--models-dir", dir.toString());
        assertEquals(2, bad.status());
        assertTrue(bad.stderr().contains("SPEC: \"just-a-name\": expected hf://OWNER/REPO/FILE.gguf or OWNER/REPO:QUANT"),
                bad.stderr());
        CliCapture.Result endpoint = CliCapture.run("pull", "a/b:Q8_0", "--endpoint", "ftp://x", "--models-dir", dir.toString());
        assertEquals(2, endpoint.status());
        assertTrue(endpoint.stderr().contains("--endpoint: ftp://x is not an http(s) URL"), endpoint.stderr());
        try (FakeHub hub = new FakeHub()) {
            hub.requiredToken = "hf_needed";
            CliCapture.Result denied = CliCapture.run("pull", "hf://owner/repo/x.gguf", "--endpoint", hub.endpoint().toString(),
                    "--models-dir", dir.toString());
            assertEquals(1, denied.status());
            assertTrue(denied.stderr().contains("k3mcp: error: 401 Unauthorized for owner/repo/x.gguf"), denied.stderr());
        }
    }
}
