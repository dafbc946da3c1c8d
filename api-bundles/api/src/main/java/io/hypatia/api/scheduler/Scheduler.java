package io.hypatia.api.scheduler;

import io.hypatia.api.study.Trial;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides, on every intermediate report, whether a trial continues, stops or pauses; which
 * paused trial to resume when a worker asks for work; and, for population-based methods, which
 * trial to clone. Register as an OSGi service with the property {@code hypatia.name}.
 *
 * <p>Schedulers are stateless with respect to the service: state kept between calls lives in
 * {@link SchedulerContext#memory} and must be rebuildable from the study's trials. Calls for one
 * study come one at a time. A call that throws or runs past its time limit is logged and
 * counted; the engine then answers CONTINUE (and promotes or clones nothing) and empties the
 * study's memory.
 *
 * <p>Order of an ask: queued trials first, then {@link #promote}, then {@link #exploit}, then a
 * new trial from the sampler, trained to {@link #initialBudget} (default: the fidelity's max).
 */
@ConsumerType
public interface Scheduler {

    /**
     * Checks, at study creation, that the study can work with this scheduler: settings known and
     * in range, a fidelity present if one is needed. The context has no trials.
     *
     * @throws UnsuitableStudyException naming the offending field
     */
    default void validate(SchedulerContext context) {
    }

    /**
     * Called after {@code trial} reported a value; the report is the trial's last intermediate
     * value and is also part of {@code context.trials()}.
     */
    Verdict onReport(SchedulerContext context, Trial trial);

    /** A paused trial to resume at a larger budget instead of starting a new one, if any. */
    default Optional<Promotion> promote(SchedulerContext context) {
        return Optional.empty();
    }

    /** A new trial cloned from another's checkpoint (PBT) instead of a sampled one, if any. */
    default Optional<Clone> exploit(SchedulerContext context) {
        return Optional.empty();
    }

    /** The budget a new trial with number {@code trialNumber} trains to; empty: the fidelity's max. */
    default OptionalDouble initialBudget(SchedulerContext context, int trialNumber) {
        return OptionalDouble.empty();
    }

    /**
     * Called once when the study's max resource was raised while it runs (UpdateStudy); the
     * context already has the new fidelity and {@code raise} as the last of
     * {@link SchedulerContext#raises()}, and the engine has emptied the study's memory. Answers
     * the COMPLETE trials (trained to the old max) that are to be continued to the new max
     * instead of being left as they are: the engine puts them back to PAUSED, and
     * {@link #promote} then resumes them from their checkpoints. Default: none.
     *
     * @since 2.1
     */
    default List<Continuation> onMaxResourceRaised(SchedulerContext context, MaxResourceRaise raise) {
        return List.of();
    }
}
