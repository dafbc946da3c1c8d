package io.hypatia.engine;

/**
 * What the engine tells an observer (the service's metrics) about its plugin calls and store
 * commits. Every method has a no-op default, so the engine depends on no metrics library;
 * implementations must be fast and must not throw, since they run on the calling thread.
 */
public interface EngineListener {

    /** How a plugin call ended. */
    enum CallOutcome { OK, ERROR, TIMEOUT }

    /**
     * A sampler or scheduler call returned, failed or ran past its time limit.
     *
     * @param kind      "sampler" or "scheduler"
     * @param plugin    the plugin's name as studies select it
     * @param operation the plugin method: "suggest", "onReport", "promote"
     */
    default void pluginCall(String kind, String plugin, String operation, long nanos, CallOutcome outcome) {
    }

    /** A plugin call (or a missing plugin) was replaced by the fallback: random sampling, CONTINUE. */
    default void pluginFallback(String kind, String plugin) {
    }

    /** The store committed {@code changes} queued changes as one transaction in {@code nanos} (group commit). */
    default void storeCommit(long nanos, int changes) {
    }

    /** Observes nothing. */
    EngineListener NONE = new EngineListener() {
    };
}
