package io.hypatia.engine;

/** Why a trial was handed to a worker, which tells the worker how to start it. */
public enum HandOut {
    /** A new trial, or a queued one never run: train from scratch. */
    NEW,
    /** Handed out again after its worker was lost: resume from the checkpoint if there is one, else start over. */
    REQUEUED,
    /** A paused trial promoted to a larger budget: resume from its checkpoint. */
    PROMOTED,
    /** A new trial cloned from another's checkpoint with a mutated configuration (PBT). */
    CLONED
}
