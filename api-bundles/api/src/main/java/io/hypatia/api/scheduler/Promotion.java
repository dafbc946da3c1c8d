package io.hypatia.api.scheduler;

/**
 * Resume a PAUSED trial, training it from its last checkpoint up to {@code budget} (which must
 * be larger than the budget it was paused at).
 *
 * @param reason a short explanation recorded on the trial (e.g. "top 1/3 of rung 0")
 */
public record Promotion(long trialId, double budget, String reason) {
    public Promotion {
        reason = reason == null ? "" : reason;
    }

    public Promotion(long trialId, double budget) {
        this(trialId, budget, "");
    }
}
