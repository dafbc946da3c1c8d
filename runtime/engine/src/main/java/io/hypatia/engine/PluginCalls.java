package io.hypatia.engine;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.scheduler.Scheduler;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls into sampler and scheduler plugins: finds them by name and runs each call on a separate
 * thread with a time limit, so a plugin that hangs cannot hold a request thread forever.
 */
final class PluginCalls implements AutoCloseable {
    /** Built-in scheduler that always answers CONTINUE. */
    static final String NO_SCHEDULER = "none";

    private final Plugins plugins;
    private final ExecutorService executor = Executors.newCachedThreadPool(daemon("hypatia-plugin-call"));
    private volatile long samplerWaitMillis = 10_000;
    private volatile EngineListener listener = EngineListener.NONE;

    PluginCalls(Plugins plugins) {
        this.plugins = plugins;
    }

    Plugins plugins() {
        return plugins;
    }

    void setListener(EngineListener listener) {
        this.listener = listener;
    }

    void setSamplerWaitMillis(long millis) {
        this.samplerWaitMillis = millis;
    }

    Optional<Plugins.Resolved<Sampler>> sampler(PluginRef ref) {
        return plugins.sampler(ref.name(), ref.versionRange());
    }

    /**
     * The sampler; when it is missing, waits (at most the configured time) only while a plugin
     * swap is in progress, so a removed sampler costs nothing but the fallback.
     */
    Optional<Plugins.Resolved<Sampler>> awaitSampler(PluginRef ref) {
        long deadline = System.currentTimeMillis() + samplerWaitMillis;
        while (true) {
            Optional<Plugins.Resolved<Sampler>> found = sampler(ref);
            if (found.isPresent() || !plugins.swapInProgress() || System.currentTimeMillis() >= deadline) {
                return found;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return found;
            }
        }
    }

    /** The study's scheduler; empty for the built-in "none" or when it is not loaded. */
    Optional<Plugins.Resolved<Scheduler>> scheduler(PluginRef ref) {
        if (NO_SCHEDULER.equals(ref.name())) {
            return Optional.empty();
        }
        return plugins.scheduler(ref.name(), ref.versionRange());
    }

    /** As {@link #call(Callable, long)}, telling the listener how long {@code kind plugin.operation} took and how it ended. */
    <T> T call(String kind, String plugin, String operation, Callable<T> task, long timeoutMillis) throws Exception {
        long start = System.nanoTime();
        EngineListener.CallOutcome outcome = EngineListener.CallOutcome.ERROR;
        try {
            T result = call(task, timeoutMillis);
            outcome = EngineListener.CallOutcome.OK;
            return result;
        } catch (TimeoutException e) {
            outcome = EngineListener.CallOutcome.TIMEOUT;
            throw e;
        } finally {
            listener.pluginCall(kind, plugin, operation, System.nanoTime() - start, outcome);
        }
    }

    /** Counts a call replaced by the fallback, in the study and for the listener. */
    void fallback(StudyState s, String kind, String plugin) {
        s.pluginFallbacks.incrementAndGet();
        listener.pluginFallback(kind, plugin);
    }

    /** Runs {@code task} with a time limit; a timed-out call is interrupted and abandoned. */
    <T> T call(Callable<T> task, long timeoutMillis) throws Exception {
        Future<T> f = executor.submit(task);
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        }
    }

    static ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
