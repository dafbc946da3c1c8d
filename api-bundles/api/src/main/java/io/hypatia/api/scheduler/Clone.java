package io.hypatia.api.scheduler;

import io.hypatia.api.space.Config;

/**
 * Start a new trial from another trial's latest checkpoint with a different configuration
 * (population-based training's exploit and explore). The parent must have reported a
 * checkpoint; the new trial records the parent and the step it was cloned at, and its worker is
 * told to load the parent's checkpoint and go on from that step.
 *
 * @param parentTrialId the trial whose checkpoint is loaded
 * @param config        the new trial's configuration (validated against the search space)
 * @param budget        the budget to train to; 0 for the study's default
 * @param reason        a short explanation recorded on the new trial
 */
public record Clone(long parentTrialId, Config config, double budget, String reason) {
    public Clone {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        reason = reason == null ? "" : reason;
    }
}
