package io.k3mcp.engine.embed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Extraction of the bundled model out of a jar into the cache, as the fat jar does on a fresh machine. */
class BundledModelTest {
    private static final String SHA = "c7290a741fc0ccb9ced72f935863d3f9e92b3b78bbe30db61ee0404bff72f474";

    @Test
    void copiesOutOfAJarOnceNamedBySha(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("k3mcp.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("io/k3mcp/engine/embed/bundled/" + BundledModel.FILE));
            zip.write("gguf bytes".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        URL inJar = new URL("jar:" + jar.toUri() + "!/io/k3mcp/engine/embed/bundled/" + BundledModel.FILE);
        Path cache = dir.resolve("cache");
        Path first = BundledModel.extract(inJar, SHA, cache);
        assertEquals(cache.resolve("models").resolve("all-minilm-l6-v2-f16-c7290a741fc0ccb9.gguf"), first);
        assertEquals("gguf bytes", Files.readString(first));
        Files.writeString(first, "kept");
        assertEquals(first, BundledModel.extract(inJar, SHA, cache), "a cached copy is reused");
        assertEquals("kept", Files.readString(first));
        try (var files = Files.list(first.getParent())) {
            assertEquals(1, files.count(), "no partial files left behind");
        }
    }

    @Test
    void missingResourceLeavesNoPartialFile(@TempDir Path dir) throws IOException {
        URL missing = new URL("jar:" + dir.resolve("none.jar").toUri() + "!/x.gguf");
        Path cache = dir.resolve("cache");
        assertThrows(IOException.class, () -> BundledModel.extract(missing, SHA, cache));
        try (var files = Files.list(cache.resolve("models"))) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void cacheDirectoryFollowsXdg() {
        assertEquals(Path.of("/x/k3mcp"), BundledModel.cacheDir("/x", "/home/u"));
        assertEquals(Path.of("/home/u/.cache/k3mcp"), BundledModel.cacheDir(null, "/home/u"));
        assertEquals(Path.of("/home/u/.cache/k3mcp"), BundledModel.cacheDir(" ", "/home/u"));
        assertTrue(BundledModel.cacheDir().endsWith("k3mcp"));
    }
}
