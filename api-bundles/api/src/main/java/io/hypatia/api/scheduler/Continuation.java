package io.hypatia.api.scheduler;

/**
 * A COMPLETE trial that is to be trained further after the study's max resource was raised
 * (see {@link Scheduler#onMaxResourceRaised}): the engine puts it back to PAUSED, and the
 * scheduler then resumes it from its checkpoint through {@link Scheduler#promote}, like any
 * paused trial.
 *
 * @param trialId the trial's id
 * @param reason  a short explanation recorded on the trial (e.g. "top 1/3 of rung 2 (9)")
 */
public record Continuation(long trialId, String reason) {
    public Continuation {
        reason = reason == null ? "" : reason;
    }
}
