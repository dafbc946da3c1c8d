package io.hypatia.api.scheduler;

/**
 * The study's max resource (its fidelity's max) was raised while it ran (Iterative Deepening
 * Hyperband, Brandt et al. 2023). A study keeps every raise, oldest first, in
 * {@link SchedulerContext#raises()}, so a scheduler can rebuild the rungs and brackets each trial
 * was created under.
 *
 * @param previousMax     the max resource before the raise
 * @param max             the max resource after it (larger than {@code previousMax})
 * @param firstTrialNumber the number the first trial created after the raise has (the study's
 *                        trial count at the raise): trials numbered below it were created under
 *                        {@code previousMax}
 */
public record MaxResourceRaise(double previousMax, double max, int firstTrialNumber) {
    public MaxResourceRaise {
        if (!(max > previousMax) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("max must be finite and larger than previousMax (" + previousMax + "), got " + max);
        }
        if (firstTrialNumber < 0) {
            throw new IllegalArgumentException("firstTrialNumber must be >= 0, got " + firstTrialNumber);
        }
    }
}
