package io.hypatia.api.study;

/**
 * Life cycle of a trial: WAITING (enqueued, not yet handed out), RUNNING (leased to a worker),
 * PAUSED (stopped at a rung, may be promoted to a larger budget), and the finished states
 * COMPLETE, PRUNED and FAILED.
 */
public enum TrialState {
    WAITING, RUNNING, PAUSED, COMPLETE, PRUNED, FAILED;

    public boolean isFinished() {
        return this == COMPLETE || this == PRUNED || this == FAILED;
    }
}
