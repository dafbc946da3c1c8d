package io.hypatia.api.scheduler;

import io.hypatia.api.study.Trial;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides, on every intermediate report, whether a trial continues, stops or pauses, and which
 * paused trial to resume when a worker asks for work. Register as an OSGi service with the
 * property {@code hypatia.name}. Like samplers, schedulers derive everything from the context.
 *
 * <p>A call that throws or runs past its time limit is logged and counted; the engine then
 * answers CONTINUE (and promotes nothing).
 */
@ConsumerType
public interface Scheduler {

    /**
     * Called after {@code trial} reported a value; the report is the trial's last intermediate
     * value and is also part of {@code context.trials()}.
     */
    Decision onReport(SchedulerContext context, Trial trial);

    /** A paused trial to resume instead of starting a new one, if any. */
    default Optional<Promotion> promote(SchedulerContext context) {
        return Optional.empty();
    }
}
