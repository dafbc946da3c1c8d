package io.hypatia.launcher.bench;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.space.Config;
import io.hypatia.engine.HandOut;
import io.hypatia.engine.StudySpec;
import java.util.List;

/**
 * What the simulator needs from the service: the ask/report/tell cycle of one study. The
 * in-process implementation calls the {@link io.hypatia.engine.StudyEngine} directly, the
 * service one goes through the gRPC API, so one study definition is measured both ways.
 */
public interface StudyBackend extends AutoCloseable {

    /** Creates the study; the returned handle drives it. */
    Study create(StudySpec spec);

    /** One study being driven. Methods may be called from several worker threads at once. */
    interface Study {
        Asked ask(String worker);

        /**
         * Reports the value at {@code step} of attempt {@code attempt}, with the checkpoint
         * reference the trainer saved at that step.
         */
        Decision report(long trialId, double step, double value, int attempt, String checkpoint);

        void tell(long trialId, List<Double> values, int attempt);

        void fail(long trialId, String reason);

        /** How many plugin calls fell back (random sampling, CONTINUE): non-zero means the run is not what was asked for. */
        long pluginFallbacks();

        /** Deletes the study; its trials are no longer needed. */
        void delete();

        /**
         * The simulated time of the calls that follow, in seconds. A backend that can (the
         * in-process engine) measures the trials' training time on this clock, so a cost-aware
         * sampler sees the benchmark's simulated costs; over gRPC the service keeps the wall clock.
         */
        default void simulatedTime(double seconds) {
        }
    }

    /**
     * A trial handed to a worker, as the protocol tells it.
     *
     * @param resumed    true: load {@code checkpoint} and go on from {@code resumeStep}; false: train from scratch
     * @param resumeStep with {@code resumed}, the step the checkpoint was saved at; else 0
     * @param attempt    the attempt number to send back with reports and the tell
     * @param handOut    why it was handed out (new, requeued, promoted, cloned)
     * @param checkpoint with {@code resumed}, the checkpoint reference to load
     */
    record Asked(long trialId, int number, Config config, double budget, boolean resumed, double resumeStep, int attempt,
                 HandOut handOut, String checkpoint) {
        /** True for a trial that was not handed out before (a new one, or a PBT clone). */
        public boolean isNewTrial() {
            return handOut == HandOut.NEW || handOut == HandOut.CLONED;
        }
    }

    @Override
    default void close() {
    }
}
