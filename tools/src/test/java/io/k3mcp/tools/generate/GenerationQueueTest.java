package io.k3mcp.tools.generate;

import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.InferenceMetrics;
import io.k3mcp.tools.MetricReading;
import io.k3mcp.tools.ToolBusyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60) // its waits poll without a deadline of their own: a regression fails here instead of hanging the suite
class GenerationQueueTest {
    private static final Supplier<InferenceMetrics.Span> NOT_COUNTED = () -> () -> { };


    @Test
    void oneAtATimeInArrivalOrderAndBusyPastTheLimit() throws Exception {
        GenerationQueue q = new GenerationQueue("m.gguf", 2);
        GenerationQueue.Slot first = q.enter(Cancellation.none(), NOT_COUNTED);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(2);
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try (GenerationQueue.Slot s = q.enter(Cancellation.none(), NOT_COUNTED)) {
                    order.add(id);
                } catch (ToolBusyException | InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    done.countDown();
                }
            });
            waiters.add(t);
            t.start();
            while (q.waiting() < i + 1) {
                Thread.sleep(5);
            }
        }
        ToolBusyException busy = assertThrows(ToolBusyException.class, () -> q.enter(Cancellation.none(), NOT_COUNTED));
        assertTrue(busy.getMessage().contains("busy: 2 generations are already waiting for m.gguf"), busy.getMessage());
        first.close();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(0, 1), order, "first come, first served");
        for (Thread t : waiters) {
            t.join();
        }
    }

    @Test
    void asManyRunAsTheSessionHasSlotsThenTheyWaitThenBusy() throws Exception {
        GenerationQueue q = new GenerationQueue("m.gguf", 3, 1);
        List<GenerationQueue.Slot> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add(q.enter(Cancellation.none(), NOT_COUNTED));
        }
        assertEquals(0, q.waiting(), "three slots: three calls run without waiting");
        CountDownLatch admitted = new CountDownLatch(1);
        Thread fourth = new Thread(() -> {
            try (GenerationQueue.Slot s = q.enter(Cancellation.none(), NOT_COUNTED)) {
                admitted.countDown();
            } catch (ToolBusyException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        fourth.start();
        while (q.waiting() < 1) {
            Thread.sleep(2);
        }
        ToolBusyException busy = assertThrows(ToolBusyException.class, () -> q.enter(Cancellation.none(), NOT_COUNTED));
        assertTrue(busy.getMessage().contains("busy: 1 generations are already waiting for m.gguf (3 running)"), busy.getMessage());
        running.get(1).close();
        assertTrue(admitted.await(10, TimeUnit.SECONDS), "a freed slot admits the waiter");
        fourth.join(10_000);
        assertThrows(IllegalArgumentException.class, () -> new GenerationQueue("m.gguf", 0, 1));
    }

    @Test
    void aCancelledWaiterLeavesTheQueue() throws Exception {
        GenerationQueue q = new GenerationQueue("m.gguf", 4);
        GenerationQueue.Slot held = q.enter(Cancellation.none(), NOT_COUNTED);
        Cancellation cancel = new Cancellation();
        cancel.cancel("client went away");
        assertThrows(CancellationException.class, () -> q.enter(cancel, NOT_COUNTED));
        assertEquals(0, q.waiting());
        held.close();
        q.enter(Cancellation.none(), NOT_COUNTED).close();
    }

    @Test
    void onlyACallThatWaitsCountsAsDeferred() throws Exception {
        GenerationQueue q = new GenerationQueue("m.gguf", 4);
        InferenceMetrics metrics = new InferenceMetrics();
        GenerationQueue.Slot first = q.enter(Cancellation.none(), () -> metrics.deferred("generate", "m"));
        assertNull(MetricReading.value(metrics, "k3mcp_requests_deferred", "m", "generate"), "the first call does not wait");
        java.util.concurrent.atomic.AtomicReference<Double> admitted = new java.util.concurrent.atomic.AtomicReference<>();
        Thread second = new Thread(() -> {
            try (GenerationQueue.Slot s = q.enter(Cancellation.none(), () -> metrics.deferred("generate", "m"))) {
                admitted.set(MetricReading.value(metrics, "k3mcp_requests_deferred", "m", "generate"));
            } catch (ToolBusyException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        second.start();
        while (q.waiting() < 1) {
            Thread.sleep(2);
        }
        assertEquals(1.0, MetricReading.value(metrics, "k3mcp_requests_deferred", "m", "generate"));
        first.close();
        second.join(10_000);
        assertEquals(0.0, admitted.get(), "no longer deferred once admitted");
    }

    @Test
    void manyWaitersKeepTheirArrivalOrder() throws Exception {
        GenerationQueue q = new GenerationQueue("m.gguf", 8);
        GenerationQueue.Slot first = q.enter(Cancellation.none(), NOT_COUNTED);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try (GenerationQueue.Slot s = q.enter(Cancellation.none(), NOT_COUNTED)) {
                    order.add(id);
                    Thread.sleep(2);
                } catch (ToolBusyException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            waiters.add(t);
            t.start();
            while (q.waiting() < i + 1) {
                Thread.sleep(2);
            }
        }
        Thread.sleep(60); // several cancellation polls pass while everyone waits
        first.close();
        for (Thread t : waiters) {
            t.join(10_000);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5), order);
    }

    @Test
    void aWaiterCancelledMidQueueDoesNotBlockTheOnesBehind() throws Exception {
        GenerationQueue q = new GenerationQueue("m.gguf", 4);
        GenerationQueue.Slot held = q.enter(Cancellation.none(), NOT_COUNTED);
        Cancellation cancelMe = new Cancellation();
        List<String> outcome = Collections.synchronizedList(new ArrayList<>());
        Thread cancelled = new Thread(() -> {
            try (GenerationQueue.Slot s = q.enter(cancelMe, NOT_COUNTED)) {
                outcome.add("cancelled waiter ran");
            } catch (CancellationException e) {
                outcome.add("left: " + e.getMessage());
            } catch (ToolBusyException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        cancelled.start();
        while (q.waiting() < 1) {
            Thread.sleep(2);
        }
        Thread behind = new Thread(() -> {
            try (GenerationQueue.Slot s = q.enter(Cancellation.none(), NOT_COUNTED)) {
                outcome.add("behind ran");
            } catch (ToolBusyException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        behind.start();
        while (q.waiting() < 2) {
            Thread.sleep(2);
        }
        cancelMe.cancel("client went away");
        cancelled.join(10_000);
        assertEquals(1, q.waiting());
        held.close();
        behind.join(10_000);
        assertEquals(List.of("left: cancelled: client went away", "behind ran"), outcome);
        assertEquals(0, q.waiting());
    }
}
