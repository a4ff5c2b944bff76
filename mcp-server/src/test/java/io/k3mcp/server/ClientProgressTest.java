package io.k3mcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Progress reports never wait for the client and go out in order before the result; only a client far behind gets
 * fewer steps (a fast one gets every step: StdioServerTest and HttpServerTest count them).
 */
class ClientProgressTest {
    private final List<Double> sent = new CopyOnWriteArrayList<>();
    private final CountDownLatch clientReads = new CountDownLatch(1);

    /** A client that takes nothing until the test lets it read, then records each notification. */
    private Function<McpSchema.ProgressNotification, Mono<Void>> slowClient() {
        return n -> Mono.fromRunnable(() -> {
            try {
                clientReads.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sent.add(n.progress());
        });
    }

    @Test
    void aClientSlowToReadNeitherBlocksTheReporterNorGetsEveryIntermediateStep() throws Exception {
        ClientProgress p = new ClientProgress(slowClient(), "t");
        // the reporter is the batched decode step: it must not wait on this client
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (int i = 1; i <= 200; i++) {
                p.report(i, 200.0, "step " + i);
            }
            p.report(20, 200.0, "a step back is dropped");
        });
        clientReads.countDown();
        p.flush();
        // the one in flight, the first MAX_QUEUED - 1 queued behind it in order, then the newest in the last place
        List<Double> want = new java.util.ArrayList<>();
        for (int i = 1; i <= ClientProgress.MAX_QUEUED; i++) {
            want.add((double) i);
        }
        want.add(200.0);
        assertEquals(want, sent);
        p.report(201, 201.0, "after the flush");
        p.flush();
        assertEquals(201.0, sent.get(sent.size() - 1));
    }

    @Test
    void aFailedSendDoesNotStopTheNextOne() throws Exception {
        List<Double> attempts = new CopyOnWriteArrayList<>();
        ClientProgress p = new ClientProgress(n -> {
            attempts.add(n.progress());
            return n.progress() == 1 ? Mono.error(new IllegalStateException("client gone")) : Mono.empty();
        }, 7);
        p.report(1, null, null);
        p.flush();
        p.report(2, null, null);
        p.flush();
        assertEquals(List.of(1.0, 2.0), attempts);
    }
}
