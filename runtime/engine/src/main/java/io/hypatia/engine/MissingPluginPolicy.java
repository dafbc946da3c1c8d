package io.hypatia.engine;

/**
 * What a study's asks (and reports) do while its sampler (or scheduler) is not loaded and no
 * plugin swap is in progress.
 */
public enum MissingPluginPolicy {
    /**
     * Sample uniformly at random (a report answers CONTINUE), mark the trial with the attributes
     * {@code sampler=fallback-random} and {@code sampler_problem}, and log it once per outage.
     */
    FALLBACK,
    /** Refuse the ask (or report) with FAILED_PRECONDITION naming the missing plugin; nothing is recorded. */
    FAIL
}
