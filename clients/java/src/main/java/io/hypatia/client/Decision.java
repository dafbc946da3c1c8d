package io.hypatia.client;

/** The scheduler's answer to a report. */
public enum Decision {
    /** Keep training. */
    CONTINUE,
    /** Stop: the trial is now PRUNED. */
    STOP,
    /** Stop and keep the checkpoint: the trial is now PAUSED and may be promoted later. */
    PAUSE
}
