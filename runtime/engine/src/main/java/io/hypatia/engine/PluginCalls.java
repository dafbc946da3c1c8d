package io.hypatia.engine;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.UnsuitableStudyException;
import io.hypatia.engine.security.RateLimitedLog;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Calls into sampler and scheduler plugins, contained: each plugin gets its own small executor
 * ({@link #MAX_THREADS_PER_PLUGIN} threads, no queue), so a plugin that hangs can hold at most
 * that many threads and never slows other plugins; a plugin that fails or times out
 * {@link #QUARANTINE_AFTER} times in a row is quarantined for a cool-down, during which its calls
 * fail at once (the caller falls back) instead of each waiting out the time limit; after the
 * cool-down one call is let through to probe it. Faults are counted per plugin
 * ({@link #faults()}) and logged with their stack trace, at most once a minute per plugin.
 */
final class PluginCalls implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PluginCalls.class.getName());
    /** Built-in scheduler that always answers CONTINUE. */
    static final String NO_SCHEDULER = "none";
    static final int MAX_THREADS_PER_PLUGIN = 4;
    static final int QUARANTINE_AFTER = 3;

    /** Thrown instead of calling a plugin that is quarantined or has all its threads busy. */
    static final class Contained extends Exception {
        private static final long serialVersionUID = 1L;

        Contained(String message) {
            super(message);
        }
    }

    private final class Lane {
        final String plugin;
        final ThreadPoolExecutor executor;
        /**
         * Calls in progress, at most {@link #MAX_THREADS_PER_PLUGIN}. A permit is returned when the
         * plugin's code returns (before the caller sees the result), not when the pool thread gets
         * back to the pool: bounding the pool's threads instead refused calls on a busy machine,
         * where a thread that had just answered was not yet rescheduled to take the next call
         * ("all 4 threads busy" with nothing hung; the decision fell back to CONTINUE).
         */
        final Semaphore slots = new Semaphore(MAX_THREADS_PER_PLUGIN);
        final AtomicLong calls = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        int consecutiveFaults;
        /** When the current quarantine began; 0 when not quarantined. The cool-down is read at each check. */
        long quarantinedAt;
        boolean probing;

        Lane(String plugin) {
            this.plugin = plugin;
            // Unbounded threads, admission bounded by the slots: a hung call holds its slot and its
            // thread, so a hung plugin still holds at most MAX_THREADS_PER_PLUGIN threads.
            this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                    daemon("hypatia-plugin-" + plugin.replaceAll("[^A-Za-z0-9._-]", "_"))) {
                @Override
                protected void afterExecute(Runnable r, Throwable t) {
                    afterCall.run();
                }
            };
        }

        /** Null when the call may go ahead; otherwise why it may not. */
        synchronized String admit(long now) {
            if (quarantinedAt == 0) {
                return null;
            }
            if (now < quarantinedAt + cooldownMillis || probing) {
                return "plugin " + plugin + " is quarantined after " + consecutiveFaults + " faults in a row";
            }
            probing = true; // cool-down over: one call probes the plugin
            return null;
        }

        synchronized void succeeded() {
            consecutiveFaults = 0;
            quarantinedAt = 0;
            probing = false;
        }

        synchronized void faulted(long now) {
            consecutiveFaults++;
            if (probing || consecutiveFaults >= QUARANTINE_AFTER) {
                if (quarantinedAt == 0 || probing) {
                    LOG.warning("plugin " + plugin + " quarantined for " + cooldownMillis / 1000.0 + " s after "
                            + consecutiveFaults + " faults in a row; its calls fall back until then");
                }
                quarantinedAt = now;
            }
            probing = false;
        }

        synchronized PluginFaults faults() {
            return new PluginFaults(calls.get(), failures.get(), timeouts.get(), rejected.get(), quarantinedAt != 0);
        }
    }

    private final Plugins plugins;
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final RateLimitedLog faultLog = new RateLimitedLog(LOG, 60_000);
    private volatile long samplerWaitMillis = 10_000;
    private volatile long cooldownMillis = 30_000;
    private volatile EngineListener listener = EngineListener.NONE;
    /** Run by a pool thread after a call, before it can take the next (tests hold it there). */
    volatile Runnable afterCall = () -> { };

    PluginCalls(Plugins plugins) {
        this.plugins = plugins;
    }

    Plugins plugins() {
        return plugins;
    }

    void setListener(EngineListener listener) {
        this.listener = listener;
    }

    EngineListener listener() {
        return listener;
    }

    void setSamplerWaitMillis(long millis) {
        this.samplerWaitMillis = millis;
    }

    /** How long a quarantined plugin is left alone before one call probes it (default 30 s). */
    void setQuarantineMillis(long millis) {
        this.cooldownMillis = millis;
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

    /**
     * Applies the study's {@link MissingPluginPolicy} to a sampler or scheduler just looked up:
     * under FAIL a missing one refuses the call (FAILED_PRECONDITION naming it); under FALLBACK
     * the outage is logged once when it begins and once when it ends, not on every call.
     */
    void checkPresent(StudyState s, String kind, PluginRef ref, boolean present,
                      java.util.concurrent.atomic.AtomicBoolean missing) {
        if (present || (kind.equals("scheduler") && NO_SCHEDULER.equals(ref.name()))) {
            if (missing.compareAndSet(true, false)) {
                LOG.info("study " + s.spec.name() + ": " + kind + " '" + ref.name() + "' is loaded again");
            }
            return;
        }
        if (s.spec.onMissingPlugin() == MissingPluginPolicy.FAIL) {
            throw EngineException.precondition(kind, missing(kind, ref) + " and study '" + s.spec.name()
                    + "' has on_missing_plugin=FAIL; deploy the plugin, or recreate the study with FALLBACK");
        }
        if (missing.compareAndSet(false, true)) {
            LOG.warning("study " + s.spec.name() + ": " + missing(kind, ref) + "; until it is, "
                    + (kind.equals("sampler") ? "trials are sampled at random (trial attribute sampler=fallback-random)"
                    : "reports are answered CONTINUE") + " (logged once per outage)");
        }
    }

    /** "sampler 'tpe' in range [1.0,2) is not loaded". */
    static String missing(String kind, PluginRef ref) {
        return kind + " '" + ref.name() + "'" + (ref.versionRange().isEmpty() ? "" : " in range " + ref.versionRange())
                + " is not loaded";
    }

    /** The study's scheduler; empty for the built-in "none" or when it is not loaded. */
    Optional<Plugins.Resolved<Scheduler>> scheduler(PluginRef ref) {
        if (NO_SCHEDULER.equals(ref.name())) {
            return Optional.empty();
        }
        return plugins.scheduler(ref.name(), ref.versionRange());
    }

    /**
     * As {@link #call(String, Callable, long)} for {@code kind plugin} (e.g. "sampler tpe"), telling
     * the listener how long {@code kind plugin.operation} took and how it ended.
     */
    <T> T call(String kind, String plugin, String operation, Callable<T> task, long timeoutMillis) throws Exception {
        long start = System.nanoTime();
        EngineListener.CallOutcome outcome = EngineListener.CallOutcome.ERROR;
        try {
            T result = call(kind + " " + plugin, task, timeoutMillis);
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

    /**
     * Runs {@code task} of {@code plugin} (e.g. "sampler tpe") on the plugin's own executor with a time limit.
     * Throws {@link TimeoutException} when it runs too long (the call is interrupted and abandoned),
     * {@link Contained} when the plugin is quarantined or all its threads are held, or what the
     * plugin threw.
     */
    <T> T call(String plugin, Callable<T> task, long timeoutMillis) throws Exception {
        Lane lane = lanes.computeIfAbsent(plugin, Lane::new);
        long now = System.currentTimeMillis();
        String refused = lane.admit(now);
        if (refused != null) {
            lane.rejected.incrementAndGet();
            throw new Contained(refused);
        }
        if (!lane.slots.tryAcquire()) {
            lane.rejected.incrementAndGet();
            lane.faulted(now);
            throw new Contained("plugin " + plugin + " has all " + MAX_THREADS_PER_PLUGIN + " of its threads busy (hung calls?)");
        }
        lane.calls.incrementAndGet();
        // The slot is given back exactly once: when the plugin's code ends, or when the call is
        // cancelled before it started.
        AtomicBoolean started = new AtomicBoolean();
        FutureTask<T> f = new FutureTask<>(() -> {
            if (!started.compareAndSet(false, true)) {
                return null; // cancelled before it ran; the slot was given back then
            }
            try {
                return task.call();
            } finally {
                lane.slots.release();
            }
        }) {
            @Override
            protected void done() {
                if (isCancelled() && started.compareAndSet(false, true)) {
                    lane.slots.release();
                }
            }
        };
        try {
            lane.executor.execute(f);
        } catch (RejectedExecutionException e) { // only once the engine is closing
            f.cancel(false);
            throw new Contained("plugin " + plugin + " is shut down");
        }
        try {
            T result = f.get(timeoutMillis, TimeUnit.MILLISECONDS);
            lane.succeeded();
            return result;
        } catch (TimeoutException e) {
            f.cancel(true);
            lane.timeouts.incrementAndGet();
            lane.faulted(System.currentTimeMillis());
            faultLog.log(Level.WARNING, plugin, "plugin " + plugin + " timed out after " + timeoutMillis + " ms", null);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnsuitableStudyException u) {
                lane.succeeded(); // the plugin answered: it refuses the study, which is no fault
                throw u;
            }
            if (e.getCause() instanceof io.hypatia.api.sampler.SearchSpaceExhaustedException x) {
                lane.succeeded(); // the sampler answered: it has nothing left to propose
                throw x;
            }
            lane.failures.incrementAndGet();
            lane.faulted(System.currentTimeMillis());
            faultLog.log(Level.WARNING, plugin, "plugin " + plugin + " failed", e.getCause());
            throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        }
    }

    /** Logs a fallback caused by {@code plugin}, at most once a minute per plugin and kind of message. */
    void warn(String plugin, String what, String message) {
        faultLog.log(Level.WARNING, plugin + "/" + what, message, null);
    }

    /** Fault counts per plugin label, for ListPlugins and the logs. */
    Map<String, PluginFaults> faults() {
        Map<String, PluginFaults> out = new TreeMap<>();
        lanes.forEach((plugin, lane) -> out.put(plugin, lane.faults()));
        return out;
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
        lanes.values().forEach(l -> l.executor.shutdownNow());
    }
}
