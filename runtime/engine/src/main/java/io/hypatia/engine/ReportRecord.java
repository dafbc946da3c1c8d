package io.hypatia.engine;

/**
 * An intermediate value as the service keeps it.
 *
 * @param attempt   the attempt (hand-out) that reported it
 * @param abandoned true when its attempt was given up past this step (the worker was lost and
 *                  the next attempt restarted or resumed from an earlier checkpoint): kept for
 *                  history, but no longer part of the trial's curve that schedulers see
 */
public record ReportRecord(double step, double value, int attempt, boolean abandoned) {
}
