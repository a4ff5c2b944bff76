package io.k3mcp.board;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a file with a size cap and a time limit. Some drivers block in read() forever or never
 * report end of file; the read runs on a daemon thread so a stuck one is abandoned, not waited for.
 */
final class BoundedRead {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService READERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "board-read-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private BoundedRead() {
    }

    /** Thrown when a read did not finish within the time limit. */
    static final class ReadTimeoutException extends IOException {
        ReadTimeoutException(Duration limit) {
            super("read did not finish within " + limit.toMillis() + " ms (abandoned)");
        }
    }

    /** At most {@code maxBytes} bytes of {@code file}, read within {@code limit}. */
    static byte[] read(Path file, int maxBytes, Duration limit) throws IOException {
        Future<byte[]> pending = READERS.submit(() -> readCapped(file, maxBytes));
        try {
            return pending.get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new ReadTimeoutException(limit);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + file, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("failed reading " + file + ": " + e.getCause(), e.getCause());
        }
    }

    private static byte[] readCapped(Path file, int maxBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(Math.min(maxBytes, 4096));
            while (buffer.position() < maxBytes) {
                if (!buffer.hasRemaining()) {
                    buffer = grow(buffer, maxBytes);
                }
                if (channel.read(buffer) < 0) {
                    break;
                }
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        }
    }

    private static ByteBuffer grow(ByteBuffer full, int maxBytes) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.min(maxBytes, full.capacity() * 2));
        full.flip();
        bigger.put(full);
        return bigger;
    }
}
