package io.hypatia.it;

import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Client threads loading a service until stopped, for the kill-under-load tests: counts the tells
 * the clients had acknowledged, keeps the first failure of any client (which ends that client
 * only), and lets the test wait for progress and then for every client to finish.
 */
public final class ClientLoad implements AutoCloseable {
    /** One client's work: loops while {@code load.running()}, calling {@code load.acknowledged()} per acknowledged tell. */
    public interface Client {
        void run(int id, ClientLoad load) throws Exception;
    }

    private final AtomicInteger acks = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();

    private ClientLoad() {
    }

    /** Starts {@code clients} threads, {@code client-0} to {@code client-(n-1)}, each running {@code client} with its number. */
    public static ClientLoad start(int clients, Client client) {
        ClientLoad load = new ClientLoad();
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                try {
                    client.run(id, load);
                } catch (Throwable e) {
                    load.failure.compareAndSet(null, e);
                }
            }, "client-" + c);
            load.threads.add(t);
            t.start();
        }
        return load;
    }

    /** False once the test asked the clients to stop: a client finishes its current trial and returns. */
    public boolean running() {
        return !stop.get();
    }

    /** Counts one tell the service acknowledged. */
    public void acknowledged() {
        acks.incrementAndGet();
    }

    public int acks() {
        return acks.get();
    }

    /** Waits until {@code target} tells are acknowledged; fails at once if a client failed, or with no progress within {@code patience}. */
    public void awaitAcks(int target, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (acks.get() < target) {
            throwIfFailed();
            assertTrue("no progress: " + acks.get() + " of " + target + " tells acknowledged", System.nanoTime() < deadline);
            Thread.sleep(20);
        }
    }

    /** Stops the clients, waits for each to finish its trial (up to {@code patience} each), and fails if one failed. */
    public void finish(Duration patience) throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(patience.toMillis());
            assertTrue(t.getName() + " finished", !t.isAlive());
        }
        throwIfFailed();
    }

    private void throwIfFailed() {
        if (failure.get() != null) {
            throw new AssertionError("a client failed", failure.get());
        }
    }

    /** Asks the clients to stop without waiting (a test that failed or is cleaning up). */
    @Override
    public void close() {
        stop.set(true);
    }
}
