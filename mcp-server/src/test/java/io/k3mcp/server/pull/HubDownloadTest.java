package io.k3mcp.server.pull;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pull against a local imitation of the hub: verification, resume, quantisation lookup and the hub's errors. */
class HubDownloadTest {
    private static final String FILE = "Mini-Q8_0.gguf";
    @TempDir
    Path dir;
    private FakeHub hub;
    private byte[] model;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
        model = Files.readAllBytes(Path.of(System.getProperty("k3mcp.shared", "../../shared"), "models", "llama-mini-q8_0.gguf"));
        hub.files.put("Mini-Q4_K_M.gguf", new byte[] {1, 2, 3});
        hub.files.put(FILE, model);
        hub.files.put("mmproj-Mini-Q8_0.gguf", new byte[] {4});
        hub.files.put("split/Big-Q6_K-00001-of-00002.gguf", new byte[] {5});
        hub.files.put("split/Big-Q6_K-00002-of-00002.gguf", new byte[] {6});
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubDownload.Pulled pull(String spec, String token) throws IOException {
        return new HubDownload(new HubEnv(hub.endpoint(), token), new PrintStream(err, true, StandardCharsets.UTF_8), false)
                .pull(HubSpec.parse(spec), dir);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFileIsVerifiedThenNamedWithPlainProgressLines() throws Exception {
        HubDownload.Pulled p = pull("hf://owner/repo/" + FILE, null);
        assertEquals(dir.resolve(FILE), p.path());
        assertArrayEquals(model, Files.readAllBytes(p.path()));
        assertEquals(FakeHub.sha256(model), p.sha256());
        assertFalse(Files.exists(dir.resolve(FILE + ".part")));
        assertTrue(stderr().contains("pull: " + FILE + " 0% (0 of " + model.length + " bytes)"), stderr());
        assertTrue(stderr().contains("pull: " + FILE + " 100% (" + model.length + " of " + model.length + " bytes)"), stderr());
        assertFalse(stderr().contains("\r"));
        assertTrue(hub.seen.stream().allMatch(s -> s.authorization() == null));
        // Pulling again finds the verified file and downloads nothing.
        int requests = hub.seen.size();
        assertTrue(pull("hf://owner/repo/" + FILE, null).alreadyPresent());
        assertTrue(hub.seen.subList(requests, hub.seen.size()).stream().noneMatch(s -> s.server().equals("cdn")));
    }

    @Test
    void aTruncatedTransferLeavesOnlyThePartFileAndTheNextPullResumesWithARange() throws Exception {
        hub.cutAfter = 100_000;
        IOException e = assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, null));
        assertTrue(e.getMessage().contains("run the same pull again to resume"), e.getMessage());
        assertEquals(1, hub.cutTransfers.size());
        assertFalse(Files.exists(dir.resolve(FILE)), "nothing under the final name before verification");
        // The hub sent 100000 bytes then dropped the connection; the JDK's client may discard what it had buffered
        // but not handed over when the drop arrives, so the part file holds a prefix of at most that many bytes,
        // and the message and the resume both name exactly what was written.
        byte[] part = Files.readAllBytes(dir.resolve(FILE + ".part"));
        assertTrue(part.length > 0 && part.length <= 100_000, "part file of " + part.length + " bytes");
        assertArrayEquals(java.util.Arrays.copyOf(model, part.length), part);
        assertTrue(e.getMessage().contains("stopped at byte " + part.length + " of " + model.length), e.getMessage());

        HubDownload.Pulled p = pull("hf://owner/repo/" + FILE, null);
        assertArrayEquals(model, Files.readAllBytes(p.path()));
        FakeHub.Seen last = hub.seen.get(hub.seen.size() - 1);
        assertEquals("cdn", last.server());
        assertEquals("bytes=" + part.length + "-", last.range());
        assertTrue(stderr().contains("resuming owner/repo/" + FILE + " at byte " + part.length), stderr());
    }

    @Test
    void aStalledTransferIsAbandonedAfterTheIdleLimitAndResumed() throws Exception {
        hub.cutAfter = 70_000;
        hub.stallAtCut = true;
        HubDownload impatient = new HubDownload(new HubEnv(hub.endpoint(), null),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, java.time.Duration.ofMillis(500));
        IOException e = assertThrows(IOException.class, () -> impatient.pull(HubSpec.parse("hf://owner/repo/" + FILE), dir));
        // A slow reader may be abandoned before it drained all 70000 bytes; the resume starts at what was written.
        long written = Files.size(dir.resolve(FILE + ".part"));
        assertTrue(written > 0 && written <= 70_000, "part file of " + written + " bytes");
        assertTrue(e.getMessage().contains("stopped at byte " + written + " of"), e.getMessage());
        assertArrayEquals(model, Files.readAllBytes(impatient.pull(HubSpec.parse("hf://owner/repo/" + FILE), dir).path()));
        assertEquals("bytes=" + written + "-", hub.seen.get(hub.seen.size() - 1).range());
    }

    @Test
    void aSecondPullOfTheSameFileWhileOneRunsIsRefused() throws Exception {
        try (java.nio.channels.FileChannel held = java.nio.channels.FileChannel.open(dir.resolve("." + FILE + ".lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock lock = held.lock()) {
            IOException e = assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, null));
            assertEquals("another pull of owner/repo/" + FILE + " is running into the same models directory", e.getMessage());
            assertFalse(Files.exists(dir.resolve(FILE + ".part")));
        }
        assertArrayEquals(model, Files.readAllBytes(pull("hf://owner/repo/" + FILE, null).path()));
    }

    @Test
    void aServerIgnoringTheRangeRestartsFromTheFirstByte() throws Exception {
        hub.cutAfter = 5000;
        assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, null));
        hub.ignoreRange = true;
        assertArrayEquals(model, Files.readAllBytes(pull("hf://owner/repo/" + FILE, null).path()));
    }

    @Test
    void anExistingFileThatDiffersIsNeitherOverwrittenNorTakenForTheModel() throws Exception {
        Files.createDirectories(dir);
        Files.write(dir.resolve(FILE), new byte[] {9, 9, 9});
        IOException e = assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, null));
        assertTrue(e.getMessage().startsWith(dir.resolve(FILE) + " exists and differs from owner/repo/" + FILE + " (SHA-256 "
                + FakeHub.sha256(new byte[] {9, 9, 9}) + ", the hub's " + FakeHub.sha256(model) + "): remove or rename it first"),
                e.getMessage());
        assertArrayEquals(new byte[] {9, 9, 9}, Files.readAllBytes(dir.resolve(FILE)));
        assertTrue(hub.seen.stream().noneMatch(s -> s.server().equals("cdn")), "nothing downloaded");
    }

    @Test
    void aResumeAtAnotherByteRemovesThePartFile() throws Exception {
        hub.cutAfter = 5000;
        assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, null));
        hub.contentRangeSkew = 7;
        IOException e = assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, null));
        assertTrue(e.getMessage().contains("the server resumed at another byte than 5000 (Content-Range bytes 5007-"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(FILE + ".part")));
        hub.contentRangeSkew = 0;
        assertArrayEquals(model, Files.readAllBytes(pull("hf://owner/repo/" + FILE, null).path()), "the next pull starts over");
    }

    @Test
    void aTransferThatEndsEarlyKeepsThePartFileForTheNextPull() throws Exception {
        hub.omitLength = true;
        hub.cutAfter = 3000;
        IOException e = assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, null));
        assertTrue(e.getMessage().contains("ended at byte 3000 of " + model.length + "; run the same pull again to resume from "
                + dir.resolve(FILE + ".part")), e.getMessage());
        assertEquals(3000, Files.size(dir.resolve(FILE + ".part")));
        assertFalse(Files.exists(dir.resolve(FILE)));
        assertArrayEquals(model, Files.readAllBytes(pull("hf://owner/repo/" + FILE, null).path()));
    }

    @Test
    void aHubWithoutAUsableHashOrWithARedirectLoopIsRefused() {
        hub.etag = "";
        IOException none = assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, null));
        assertTrue(none.getMessage().contains("the hub gave no X-Linked-Etag for " + FILE), none.getMessage());
        hub.etag = "\"abc\"";
        IOException bad = assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, null));
        assertTrue(bad.getMessage().contains("X-Linked-Etag \"abc\" is not a SHA-256: cannot verify " + FILE), bad.getMessage());
        hub.etag = null;
        hub.redirectLoop = true;
        IOException loop = assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, null));
        assertTrue(loop.getMessage().endsWith("redirects"), loop.getMessage());
        assertFalse(Files.exists(dir.resolve(FILE)));
    }

    @Test
    void aWrongHashWritesNothing() {
        hub.wrongHash = true;
        IOException e = assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, null));
        assertTrue(e.getMessage().startsWith("SHA-256 mismatch for owner/repo/" + FILE + ": the hub's LFS metadata says "
                + FakeHub.sha256("other".getBytes()) + ", the download hashes to " + FakeHub.sha256(model)), e.getMessage());
        assertFalse(Files.exists(dir.resolve(FILE)));
        assertFalse(Files.exists(dir.resolve(FILE + ".part")));
    }

    @Test
    void aTokenIsNeededForAGatedRepoAndGoesToTheHubOnly() throws Exception {
        hub.requiredToken = "hf_secret";
        IOException e = assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, null));
        assertEquals("401 Unauthorized for owner/repo/" + FILE + " (GatedRepo): the repository is private or gated; "
                + "set HF_TOKEN to a token with read access", e.getMessage());
        assertTrue(assertThrows(IOException.class, () -> pull("hf://owner/repo/" + FILE, "hf_wrong")).getMessage()
                .contains("the token (HF_TOKEN) was refused"));
        hub.seen.clear();
        assertArrayEquals(model, Files.readAllBytes(pull("hf://owner/repo/" + FILE, "hf_secret").path()));
        for (FakeHub.Seen s : hub.seen) {
            assertEquals(s.server().equals("hub") ? "Bearer hf_secret" : null, s.authorization(), s.toString());
        }
    }

    @Test
    void missingFilesAndReposAre404sNamingThem() {
        assertEquals("404 Not Found: owner/repo/absent.gguf (EntryNotFound) does not exist on " + hub.endpoint(),
                assertThrows(IOException.class, () -> pull("hf://owner/repo/absent.gguf", null)).getMessage());
        assertEquals("404 Not Found: other/repo (RepoNotFound) does not exist on " + hub.endpoint(),
                assertThrows(IOException.class, () -> pull("other/repo:Q8_0", null)).getMessage());
    }

    @Test
    void aQuantisationIsLookedUpInTheFileListAsLlamaCppDoes() throws Exception {
        HubDownload.Pulled p = pull("owner/repo:q8_0", null);
        assertEquals(FILE, p.file(), "the mmproj file of the same quantisation is not a model");
        assertArrayEquals(model, Files.readAllBytes(p.path()));
        assertTrue(hub.seen.stream().anyMatch(s -> s.path().endsWith("/tree/main")));
        assertEquals("Mini-Q4_K_M.gguf", new HubDownload(new HubEnv(hub.endpoint(), null), System.err, false)
                .pick(HubSpec.parse("owner/repo")), "Q4_K_M when no quantisation is given");
        assertTrue(assertThrows(IOException.class, () -> pull("owner/repo:Q2_K", null)).getMessage().startsWith(
                "no Q2_K GGUF in owner/repo; its GGUF files: Mini-Q4_K_M.gguf, " + FILE));
        assertTrue(assertThrows(IOException.class, () -> pull("owner/repo:Q6_K", null)).getMessage()
                .contains("is split into 2 files"));
    }

    @Test
    void specsAreParsedOrRefusedWithTheAcceptedForms() {
        assertEquals(new HubSpec("Qwen/Qwen3-0.6B-GGUF", "sub/Qwen3-0.6B-Q8_0.gguf", null),
                HubSpec.parse("hf://Qwen/Qwen3-0.6B-GGUF/sub/Qwen3-0.6B-Q8_0.gguf"));
        assertEquals(new HubSpec("unsloth/Qwen3-4B-GGUF", null, "Q4_K_M"), HubSpec.parse("unsloth/Qwen3-4B-GGUF"));
        assertEquals(new HubSpec("unsloth/Qwen3-4B-GGUF", null, "IQ4_XS"), HubSpec.parse("unsloth/Qwen3-4B-GGUF:iq4_xs"));
        for (String bad : List.of("hf://owner/repo/../x.gguf", "owner", "owner/repo/extra", "http://x/y/z.gguf", "owner/repo:Q4 K")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HubSpec.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("\"" + bad + "\": "), e.getMessage());
        }
    }

    @Test
    void theTokenAndEndpointComeFromTheEnvironmentAsHuggingFaceToolsReadThem(@TempDir Path home) throws Exception {
        assertEquals(new HubEnv(java.net.URI.create("https://huggingface.co"), null), HubEnv.from(Map.of(), home));
        assertEquals(new HubEnv(java.net.URI.create("http://mirror:8080"), "hf_env"),
                HubEnv.from(Map.of("HF_ENDPOINT", "http://mirror:8080/", "HF_TOKEN", "hf_env"), home));
        Files.createDirectories(home.resolve(".cache/huggingface"));
        Files.writeString(home.resolve(".cache/huggingface/token"), "hf_login\n");
        assertEquals("hf_login", HubEnv.from(Map.of(), home).token());
        Path custom = Files.writeString(home.resolve("tok"), "hf_path");
        assertEquals("hf_path", HubEnv.from(Map.of("HF_TOKEN_PATH", custom.toString()), home).token());
        assertEquals("hf_env", HubEnv.from(Map.of("HF_TOKEN", "hf_env", "HF_TOKEN_PATH", custom.toString()), home).token());
        assertNull(HubEnv.from(Map.of("HF_HOME", home.resolve("elsewhere").toString()), home).token());
    }
}
