package io.hypatia.api.study;

import io.hypatia.api.space.Config;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of a trial as plugins see it.
 *
 * @param id            service-wide identifier
 * @param number        0-based position within its study, in order of creation
 * @param state         current state
 * @param config        the configuration being evaluated
 * @param values        final objective values, in the study's objective order; empty unless COMPLETE
 * @param intermediates values reported during training, in report order
 * @param budget        the fidelity budget the trial was last asked to train to (0 when the study has none)
 * @param attributes    free-form string attributes (the engine records e.g. which sampler version suggested it,
 *                      and {@link #TRAIN_SECONDS})
 * @param constraints   constraint values told with the result; the trial is feasible when every one is
 *                      {@code <= 0}; empty when the study has no constraints
 * @param attempt       how many times it has been handed to a worker (the current attempt's number)
 * @param checkpointStep the step of the latest checkpoint its trainer reported, or -1 when none
 * @param parentTrialId for a trial cloned from another's checkpoint (PBT), the parent's id; else 0
 */
public record Trial(long id, int number, TrialState state, Config config, List<Double> values,
                    List<IntermediateValue> intermediates, double budget, Map<String, String> attributes,
                    List<Double> constraints, int attempt, double checkpointStep, long parentTrialId) {

    /**
     * Attribute the engine keeps on every trial that was handed out: seconds its workers spent on
     * it so far (from each hand-out to that attempt's reports and its tell, summed over attempts),
     * as a decimal number. With the resource trained to, it is the trial's cost per step, which
     * cost-aware samplers model. Absent before the first report; a lower bound when an interval
     * spanned a service restart (since 1.3).
     */
    public static final String TRAIN_SECONDS = "train_seconds";

    public Trial {
        values = List.copyOf(values);
        intermediates = List.copyOf(intermediates);
        attributes = Map.copyOf(attributes);
        constraints = List.copyOf(constraints);
    }

    /** A trial without attempts, checkpoints or parent. */
    public Trial(long id, int number, TrialState state, Config config, List<Double> values,
                 List<IntermediateValue> intermediates, double budget, Map<String, String> attributes,
                 List<Double> constraints) {
        this(id, number, state, config, values, intermediates, budget, attributes, constraints, 0, -1, 0);
    }

    /** A trial without constraint values. */
    public Trial(long id, int number, TrialState state, Config config, List<Double> values,
                 List<IntermediateValue> intermediates, double budget, Map<String, String> attributes) {
        this(id, number, state, config, values, intermediates, budget, attributes, List.of());
    }

    /** True when the trainer reported a checkpoint it can be resumed from. */
    public boolean hasCheckpoint() {
        return checkpointStep >= 0;
    }

    /** True when every constraint value is {@code <= 0} (trivially true without constraints). */
    public boolean isFeasible() {
        for (double c : constraints) {
            if (!(c <= 0)) {
                return false;
            }
        }
        return true;
    }

    /** The last reported intermediate value, or null. */
    public IntermediateValue lastIntermediate() {
        return intermediates.isEmpty() ? null : intermediates.get(intermediates.size() - 1);
    }
}
