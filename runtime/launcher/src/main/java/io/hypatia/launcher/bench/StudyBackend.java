package io.hypatia.launcher.bench;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.space.Config;
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

        Decision report(long trialId, double step, double value);

        void tell(long trialId, List<Double> values);

        void fail(long trialId, String reason);

        /** How many plugin calls fell back (random sampling, CONTINUE): non-zero means the run is not what was asked for. */
        long pluginFallbacks();

        /** Deletes the study; its trials are no longer needed. */
        void delete();
    }

    /**
     * A trial handed to a worker.
     *
     * @param lastStep the last step it reported before being paused (0 when it has none), so a
     *                 resumed trial continues from its checkpoint
     */
    record Asked(long trialId, int number, Config config, double budget, boolean resumed, double lastStep) {
    }

    @Override
    default void close() {
    }
}
