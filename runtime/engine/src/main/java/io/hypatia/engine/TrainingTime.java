package io.hypatia.engine;

import io.hypatia.api.study.Trial;
import java.math.BigDecimal;
import java.time.InstantSource;

/**
 * Keeps each trial's {@link Trial#TRAIN_SECONDS} attribute: the time its workers spent on it,
 * from each hand-out to the attempt's reports and its tell. Cost-aware samplers divide it by the
 * resource trained to learn what a configuration costs per step.
 *
 * <p>The mark where the current interval began lives in memory only: an interval that spans a
 * restart of the service, or a hand-out by another gateway on a shared store, is not counted, so
 * the attribute is a lower bound there. The clock is the wall clock, or the simulated clock of an
 * in-process benchmark run ({@link StudyEngine#setTrainingClock}).
 */
final class TrainingTime {
    private volatile InstantSource clock = InstantSource.system();

    void setClock(InstantSource clock) {
        this.clock = clock;
    }

    /** {@code t} was just handed to a worker: its training time counts from now. */
    void started(TrialRecord t) {
        t.trainingSinceMillis = clock.millis();
    }

    /** {@code t}'s worker reported or told: adds the time since the last mark (the caller saves the row). */
    void reported(TrialRecord t) {
        if (t.trainingSinceMillis < 0) {
            return;
        }
        long now = clock.millis();
        double seconds = Math.max(0, now - t.trainingSinceMillis) / 1000.0;
        t.trainingSinceMillis = now;
        double before = 0;
        String old = t.attributes.get(Trial.TRAIN_SECONDS);
        if (old != null) {
            try {
                before = Double.parseDouble(old);
            } catch (NumberFormatException e) {
                before = 0; // not ours to trust; count afresh
            }
        }
        t.attributes.put(Trial.TRAIN_SECONDS, BigDecimal.valueOf(Math.round((before + seconds) * 1000), 3).toPlainString());
    }

    /** {@code t} stopped running (paused, pruned, finished, requeued): nothing counts until its next hand-out. */
    static void stopped(TrialRecord t) {
        t.trainingSinceMillis = -1;
    }
}
