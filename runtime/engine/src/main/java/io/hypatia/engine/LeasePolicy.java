package io.hypatia.engine;

/** What happens to a RUNNING trial whose worker stopped sending heartbeats. */
public enum LeasePolicy {
    /** Put it back in the queue with the same configuration (up to the study's max attempts). */
    REQUEUE,
    /** Mark it FAILED. */
    FAIL
}
