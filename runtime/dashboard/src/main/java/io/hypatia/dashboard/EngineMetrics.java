package io.hypatia.dashboard;

import io.hypatia.engine.EngineListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's plugin calls and store commits as Prometheus metrics, plus per-plugin fault
 * counts the dashboard's plugins page shows. Plugins are labelled by the name studies select
 * them by (not the bundle version), so a hot swap does not start new series.
 */
final class EngineMetrics implements EngineListener {
    private static final double[] CALL_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final double[] COMMIT_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
    /** Fine around the 20 ms an ask should stay under at 32 concurrent workers (issue 13). */
    private static final double[] PHASE_BUCKETS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015,
            0.02, 0.025, 0.05, 0.1, 0.25, 1, 10};
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

    /** Calls, errors, timeouts and fallbacks of one plugin since the service started. */
    record PluginCounts(LongAdder calls, LongAdder errors, LongAdder timeouts, LongAdder fallbacks) {
        PluginCounts() {
            this(new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder());
        }

        Map<String, Long> snapshot() {
            return Map.of("calls", calls.sum(), "errors", errors.sum(), "timeouts", timeouts.sum(), "fallbacks", fallbacks.sum());
        }
    }

    private final Histogram pluginCalls;
    private final Counter pluginTimeouts;
    private final Counter pluginFallbacks;
    private final Histogram commitDuration;
    private final Histogram commitBatch;
    private final Histogram callPhases;
    private final Map<String, PluginCounts> counts = new ConcurrentHashMap<>();

    EngineMetrics(PrometheusRegistry registry) {
        pluginCalls = Histogram.builder().name("hypatia_plugin_call_duration_seconds")
                .help("Sampler and scheduler calls by plugin, operation and outcome (ok, error, timeout)")
                .unit(Unit.SECONDS).labelNames("kind", "plugin", "operation", "outcome")
                .classicUpperBounds(CALL_BUCKETS).classicOnly().register(registry);
        pluginTimeouts = Counter.builder().name("hypatia_plugin_call_timeouts_total")
                .help("Plugin calls that ran past the study's time limit and were abandoned")
                .labelNames("kind", "plugin").register(registry);
        pluginFallbacks = Counter.builder().name("hypatia_plugin_fallbacks_total")
                .help("Plugin calls replaced by the fallback (random sampling, CONTINUE), including calls to a plugin that was not loaded")
                .labelNames("kind", "plugin").register(registry);
        commitDuration = Histogram.builder().name("hypatia_store_commit_duration_seconds")
                .help("Store transactions (group commits), from the first write to the committed (and fsynced) transaction")
                .unit(Unit.SECONDS).classicUpperBounds(COMMIT_BUCKETS).classicOnly().register(registry);
        commitBatch = Histogram.builder().name("hypatia_store_commit_batch_size")
                .help("Changes carried by one group commit")
                .classicUpperBounds(BATCH_BUCKETS).classicOnly().register(registry);
        callPhases = Histogram.builder().name("hypatia_engine_call_phase_seconds")
                .help("Where Ask and Tell spend their time in the engine: queue (an ask waiting for the asks of its study"
                        + " ahead of it), locked (holding the study's ask lock, or for a tell waiting for and holding the"
                        + " study's lock), commit (waiting for the store to commit the change, fsync included)")
                .unit(Unit.SECONDS).labelNames("call", "phase")
                .classicUpperBounds(PHASE_BUCKETS).classicOnly().register(registry);
    }

    @Override
    public void pluginCall(String kind, String plugin, String operation, long nanos, CallOutcome outcome) {
        pluginCalls.labelValues(kind, plugin, operation, outcome.name().toLowerCase(java.util.Locale.ROOT)).observe(nanos / 1e9);
        PluginCounts c = counts(kind, plugin);
        c.calls().increment();
        if (outcome == CallOutcome.TIMEOUT) {
            pluginTimeouts.labelValues(kind, plugin).inc();
            c.timeouts().increment();
        } else if (outcome == CallOutcome.ERROR) {
            c.errors().increment();
        }
    }

    @Override
    public void pluginFallback(String kind, String plugin) {
        pluginFallbacks.labelValues(kind, plugin).inc();
        counts(kind, plugin).fallbacks().increment();
    }

    @Override
    public void storeCommit(long nanos, int changes) {
        commitDuration.observe(nanos / 1e9);
        commitBatch.observe(changes);
    }

    @Override
    public void askTimes(long queueNanos, long lockedNanos, long commitNanos) {
        callPhases.labelValues("ask", "queue").observe(queueNanos / 1e9);
        callPhases.labelValues("ask", "locked").observe(lockedNanos / 1e9);
        callPhases.labelValues("ask", "commit").observe(commitNanos / 1e9);
    }

    @Override
    public void tellTimes(long lockedNanos, long commitNanos) {
        callPhases.labelValues("tell", "locked").observe(lockedNanos / 1e9);
        callPhases.labelValues("tell", "commit").observe(commitNanos / 1e9);
    }

    /** Fault counts of {@code kind/name}, all zero if it was never called. */
    Map<String, Long> counts(String key) {
        PluginCounts c = counts.get(key);
        return c == null ? new PluginCounts().snapshot() : c.snapshot();
    }

    private PluginCounts counts(String kind, String plugin) {
        return counts.computeIfAbsent(kind + "/" + plugin, k -> new PluginCounts());
    }
}
