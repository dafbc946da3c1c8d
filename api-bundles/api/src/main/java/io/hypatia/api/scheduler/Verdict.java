package io.hypatia.api.scheduler;

/**
 * A scheduler's answer to a report: the decision, the rung the reported step reached, and why.
 * The engine records every verdict other than a plain CONTINUE on the trial, so users can see
 * why a trial stopped or paused.
 *
 * @param decision CONTINUE, STOP or PAUSE
 * @param rung     0-based rung the step reached, or -1 when the scheduler has no rungs or none was reached
 * @param reason   a short explanation (e.g. "0.31 not in the top 1/3 of rung 1 (12 trials)"); may be empty
 */
public record Verdict(Decision decision, int rung, String reason) {
    private static final Verdict PROCEED = new Verdict(Decision.CONTINUE, -1, "");

    public Verdict {
        if (decision == null) {
            throw new IllegalArgumentException("decision must not be null");
        }
        reason = reason == null ? "" : reason;
    }

    /** Keep training; nothing worth recording. */
    public static Verdict proceed() {
        return PROCEED;
    }

    public static Verdict of(Decision decision, int rung, String reason) {
        return new Verdict(decision, rung, reason);
    }

    public static Verdict stop(String reason) {
        return new Verdict(Decision.STOP, -1, reason);
    }
}
