package io.hypatia.api.scheduler;

/** What a trainer is told after reporting an intermediate value. */
public enum Decision {
    /** Keep training. */
    CONTINUE,
    /** Stop now; the trial is pruned. */
    STOP,
    /** Stop now and keep the checkpoint: the trial may be promoted to a larger budget later. */
    PAUSE
}
