package io.hypatia.launcher.bench;

import java.util.List;

/**
 * One evaluation of a run: a final evaluation, or one step of a trial trained step by step.
 *
 * @param resource  the budget it was evaluated at (the fidelity step; 0 without a fidelity)
 * @param values    the objective values, in the benchmark's objective order
 * @param best      the best value of the first objective so far in the run
 * @param scoreKind what {@code score} is: regret, hypervolume or loss (see {@link Incumbent})
 * @param score     the run's anytime score after this evaluation
 * @param simTime   simulated seconds since the run started, when this evaluation completed
 * @param wallTime  real seconds since the run started, when it was recorded
 * @param epochs    fidelity units (epochs) all workers of the run trained up to this evaluation;
 *                  a resumed trial counts only the steps beyond its checkpoint
 */
public record EvaluationRow(String optimizer, String benchmark, long seed, int trial, double resource,
                            List<Double> values, double best, String scoreKind, double score, double simTime,
                            double wallTime, double epochs) {
    public EvaluationRow {
        values = List.copyOf(values);
    }
}
