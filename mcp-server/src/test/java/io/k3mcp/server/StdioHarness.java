package io.k3mcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.server.http.HttpOptions;
import io.k3mcp.tools.Tool;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The server on in-memory pipes, driven with raw JSON-RPC lines as a stdio client would. */
final class StdioHarness implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_SECONDS = 20;

    private final ServerLauncher.Running running;
    private final OutputStream toServer;
    private final BreakableInput serverIn;
    private final PipedInputStream clientIn;
    private final LinkedBlockingQueue<JsonNode> fromServer = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();

    StdioHarness(List<Tool<?, ?>> tools) throws Exception {
        this(new ServerWiring.Features(tools, List.of(), List.of()));
    }

    StdioHarness(ServerWiring.Features features) throws Exception {
        PipedInputStream pipeIn = new PipedInputStream(1 << 20);
        toServer = new PipedOutputStream(pipeIn);
        serverIn = new BreakableInput(pipeIn);
        clientIn = new PipedInputStream(1 << 20);
        PipedOutputStream serverOut = new PipedOutputStream(clientIn);
        ServerLauncher.Config config = new ServerLauncher.Config(ServerLauncher.Transport.STDIO,
                new HttpOptions("127.0.0.1", 0, null, HttpOptions.DEFAULT_MAX_REQUEST_BYTES),
                EngineOptions.none(), java.time.Duration.ofMillis(200));
        running = ServerLauncher.start(config, features, serverIn, serverOut);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(clientIn, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    fromServer.add(JSON.readTree(line));
                }
            } catch (IOException e) {
                fromServer.add(JSON.createObjectNode().put("reader_closed", e.getMessage()));
            }
        }, "test-stdio-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** initialize + notifications/initialized. */
    StdioHarness initialized() throws Exception {
        send("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}");
        response(0);
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return this;
    }

    void send(String line) throws IOException {
        synchronized (toServer) {
            toServer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            toServer.flush();
        }
    }

    void request(int id, String method, String params) throws IOException {
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
    }

    /** The response to request {@code id}. */
    JsonNode response(int id) throws InterruptedException {
        return next(m -> m.has("id") && m.get("id").isInt() && m.get("id").asInt() == id
                && (m.has("result") || m.has("error")));
    }

    /** The first message (seen before or arriving) matching {@code test}. */
    synchronized JsonNode next(Predicate<JsonNode> test) throws InterruptedException {
        for (JsonNode m : seen) {
            if (test.test(m)) {
                seen.remove(m);
                return m;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode m = left <= 0 ? null : fromServer.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                fail("no matching message from the server; seen: " + seen);
            }
            if (test.test(m)) {
                return m;
            }
            seen.add(m);
        }
    }

    /** Every message seen so far (unmatched ones) with this method. */
    synchronized List<JsonNode> drainNotifications(String method) {
        fromServer.drainTo(seen);
        List<JsonNode> out = seen.stream().filter(m -> method.equals(m.path("method").asText())).toList();
        seen.removeAll(out);
        return out;
    }

    void assertPingWorks(int id) throws Exception {
        request(id, "ping", "{}");
        assertEquals(JSON.createObjectNode(), response(id).get("result"));
    }

    ServerLauncher.Running running() {
        return running;
    }

    /** Ends the server's stdin, as a client that exits does. */
    void closeStdin() throws IOException {
        toServer.close();
    }

    /** Makes the server's next read of stdin fail (woken by an empty line). */
    void breakStdin() throws IOException {
        serverIn.broken = true;
        send("");
    }

    /** Stops reading the server's stdout: its next write fails, as when the client's end of the pipe is gone. */
    void closeStdout() throws IOException {
        clientIn.close();
    }

    @Override
    public void close() throws IOException {
        toServer.close();
        running.close();
    }

    /** The server's stdin, which a test can make fail the way a broken pipe or device does. */
    private static final class BreakableInput extends FilterInputStream {
        volatile boolean broken;

        BreakableInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            failIfBroken();
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            failIfBroken();
            return n;
        }

        private void failIfBroken() throws IOException {
            if (broken) {
                throw new IOException("stdin broken by the test");
            }
        }
    }
}
