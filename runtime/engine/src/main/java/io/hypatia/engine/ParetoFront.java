package io.hypatia.engine;

import io.hypatia.api.pareto.ParetoRanking;
import io.hypatia.api.study.Objective;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A study's best trials, kept up to date as trials complete: the single best for one objective
 * (the earliest-numbered on a tie), the non-dominated set for several (equal points all stay).
 * A completed trial's values never change while it stays COMPLETE, so offering each one once is
 * enough and a GetBestTrials costs the size of the front, not of the study (a trial reopened by a
 * raise of the max budget empties the front, which the owner refills). Guarded by the owning study's lock.
 */
final class ParetoFront {
    private final List<Objective> objectives;
    private final List<TrialRecord> front = new ArrayList<>();

    ParetoFront(List<Objective> objectives) {
        this.objectives = List.copyOf(objectives);
    }

    /** Takes a newly completed feasible trial into account. */
    void offer(TrialRecord t) {
        if (objectives.size() == 1) {
            var direction = objectives.get(0).direction();
            if (front.isEmpty()) {
                front.add(t);
                return;
            }
            TrialRecord best = front.get(0);
            double v = t.values.get(0);
            double b = best.values.get(0);
            if (direction.better(v, b) || (v == b && t.number < best.number)) {
                front.set(0, t);
            }
            return;
        }
        for (TrialRecord member : front) {
            if (dominates(member.values, t.values, objectives)) {
                return;
            }
        }
        front.removeIf(member -> dominates(t.values, member.values, objectives));
        front.add(t);
    }

    void clear() {
        front.clear();
    }

    /** The best trials in creation order. */
    List<TrialRecord> members() {
        List<TrialRecord> out = new ArrayList<>(front);
        out.sort(Comparator.comparingInt(t -> t.number));
        return out;
    }

    /** a dominates b, comparing the values as losses in each objective's direction. */
    static boolean dominates(List<Double> a, List<Double> b, List<Objective> objectives) {
        return ParetoRanking.dominates(losses(a, objectives), losses(b, objectives));
    }

    private static double[] losses(List<Double> values, List<Objective> objectives) {
        double[] out = new double[objectives.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = objectives.get(i).direction().toLoss(values.get(i));
        }
        return out;
    }
}
