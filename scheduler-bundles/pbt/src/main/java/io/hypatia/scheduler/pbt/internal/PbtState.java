package io.hypatia.scheduler.pbt.internal;

import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.scheduler.support.Rung;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A PBT study's memory: per ready point {@code g * interval} (a "generation") the trials that
 * reached it with their value there; which trials have a checkpoint; the stops still owed a
 * clone; and how many clones were made. Rebuilt from the trials: generations from the current
 * attempts' values, checkpoints from the trials, owed clones = PRUNED trials (taken in creation
 * order, at the generation of their last value) not yet matched by a cloned trial.
 */
final class PbtState {
    final PbtSettings settings;
    final Direction direction;
    final Map<Long, Rung> generations = new HashMap<>();
    final Set<Integer> withCheckpoint = new HashSet<>();
    final Deque<Long> owed = new ArrayDeque<>();
    int clones;

    PbtState(PbtSettings settings, Direction direction) {
        this.settings = settings;
        this.direction = direction;
    }

    static PbtState rebuild(PbtSettings settings, Direction direction, List<Trial> trials) {
        PbtState s = new PbtState(settings, direction);
        for (Trial t : trials) {
            List<IntermediateValue> values = t.intermediates();
            for (int i = 0; i < values.size(); i++) {
                s.record(t, i);
            }
            if (t.hasCheckpoint()) {
                s.withCheckpoint.add(t.number());
            }
            if (t.parentTrialId() != 0) {
                s.clones++;
            }
            if (t.state() == TrialState.PRUNED && !values.isEmpty()) {
                s.owed.add(s.generation(values.get(values.size() - 1).step()));
            }
        }
        for (int i = 0; i < s.clones && !s.owed.isEmpty(); i++) {
            s.owed.poll();
        }
        return s;
    }

    long generation(double step) {
        return (long) Math.floor(step / settings.interval() + 1e-9);
    }

    /**
     * Records the trial's {@code i}-th value in the generation whose ready point it is the first to
     * reach; a clone's first value is skipped (it starts past its parent's ready point).
     *
     * @return the generation reached, or 0 when none
     */
    long record(Trial t, int i) {
        List<IntermediateValue> values = t.intermediates();
        if (i == 0 && t.parentTrialId() != 0) {
            return 0;
        }
        double step = values.get(i).step();
        long g = generation(step);
        if (g < 1 || i > 0 && generation(values.get(i - 1).step()) >= g) {
            return 0;
        }
        generations.computeIfAbsent(g, x -> new Rung(x * settings.interval()))
                .add(t.number(), t.id(), direction.toLoss(values.get(i).value()));
        return g;
    }
}
