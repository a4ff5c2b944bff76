package io.k3mcp.server;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stdio client that goes away (stdin ends or fails, stdout breaks) must not leave its calls running:
 * they would hold generation slots and tool threads for no one.
 */
class StdioDisconnectTest {
    private static final String LONG_CALL = "{\"name\":\"count\",\"arguments\":{\"steps\":10000,\"interval_ms\":5},"
            + "\"_meta\":{\"progressToken\":%d}}";

    private final CountTool tool = new CountTool();
    private StdioHarness server;

    @BeforeEach
    void start() throws Exception {
        server = new StdioHarness(List.of(tool)).initialized();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void endOfStdinCancelsEveryRunningCall() throws Exception {
        startLongCalls(2);
        server.closeStdin();
        tool.assertAllCallsStopped();
    }

    @Test
    void failedStdinReadCancelsEveryRunningCall() throws Exception {
        startLongCalls(2);
        server.breakStdin();
        tool.assertAllCallsStopped();
    }

    @Test
    void failedStdoutWriteCancelsEveryRunningCall() throws Exception {
        startLongCalls(2);
        // The next progress notification cannot be written.
        server.closeStdout();
        tool.assertAllCallsStopped();
    }

    private void startLongCalls(int calls) throws Exception {
        for (int id = 1; id <= calls; id++) {
            server.request(id, "tools/call", String.format(LONG_CALL, id));
        }
        tool.awaitRunning(calls);
    }
}
