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

    /**
     * Where one Ask's time in the engine went (one trial or several): {@code queueNanos} waiting for
     * the study's ask lock (asks of one study are served one at a time, so this is the queue of
     * asks ahead of it), {@code lockedNanos} holding it (history snapshot, sampler call, trial
     * creation), {@code commitNanos} waiting afterwards for its hand-out to be committed.
     */
    default void askTimes(long queueNanos, long lockedNanos, long commitNanos) {
    }

    /**
     * Where one Tell's time in the engine went: {@code lockedNanos} waiting for and holding the
     * study's lock (the state change), {@code commitNanos} waiting afterwards for its commit.
     */
    default void tellTimes(long lockedNanos, long commitNanos) {
    }

    /** Observes nothing. */
    EngineListener NONE = new EngineListener() {
    };
}
