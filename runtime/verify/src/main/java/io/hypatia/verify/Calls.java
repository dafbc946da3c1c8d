package io.hypatia.verify;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs plugin calls on daemon threads with a time limit, as the service does, and times them. */
final class Calls implements AutoCloseable {
    /** A call that ran past its limit; its thread is abandoned. */
    static final class Hung extends Exception {
        private static final long serialVersionUID = 1L;

        Hung(long millis) {
            super("did not return within " + millis + " ms");
        }
    }

    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hypatia-verify-call");
        t.setDaemon(true);
        return t;
    });
    private final long timeoutMillis;
    private long calls;
    private long totalNanos;
    private long maxNanos;

    Calls(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    <T> T call(Callable<T> task) throws Exception {
        long start = System.nanoTime();
        Future<T> f = executor.submit(task);
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new Hung(timeoutMillis);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        } finally {
            long took = System.nanoTime() - start;
            synchronized (this) {
                calls++;
                totalNanos += took;
                maxNanos = Math.max(maxNanos, took);
            }
        }
    }

    synchronized String timing() {
        return String.format("%d calls, mean %.1f ms, max %.1f ms (limit %d ms)", calls,
                calls == 0 ? 0.0 : totalNanos / 1e6 / calls, maxNanos / 1e6, timeoutMillis);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
