package io.hypatia.engine;

/**
 * A scheduling event recorded on a trial, so a user can see why it stopped, paused or resumed.
 *
 * @param step     the step the event refers to (the reported step; for a promotion, the step resumed from)
 * @param decision STOP, PAUSE, CONTINUE (a rung passed), PROMOTE, CLONED, REQUEUED, REOPENED (a COMPLETE trial
 *                 put back to PAUSED to be continued after the max budget was raised)
 * @param rung     the rung reached, or -1
 * @param reason   the scheduler's or engine's explanation
 * @param attempt  the attempt it happened in
 * @param atMillis when, epoch milliseconds
 */
public record DecisionRecord(double step, String decision, int rung, String reason, int attempt, long atMillis) {
}
