package io.hypatia.sampler.dehb.internal;

import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.sampler.support.UnitCube;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * DEHB's subpopulations, one per fidelity level, read from the history: the configurations
 * evaluated at level {@code b} are the trials that reported a value at step {@code b} (or
 * completed at budget {@code b} without reports). Levels are the budgets trials were trained to
 * (a single level 0 in a study without fidelity, where DEHB is plain DE).
 *
 * <p>A subpopulation holds the {@code size} best configurations at its level. DEHB's greedy DE
 * selection (a trial vector replaces its target when at least as good) keeps an individual's slot
 * in the population; without per-slot state we keep the best {@code size} instead, the selection
 * of steady-state DE in which every new individual competes with the worst.
 */
final class Subpopulations {
    /** A configuration in unit-cube coordinates and its loss at one level. */
    record Member(double[] u, double loss) {
    }

    private final TreeMap<Double, List<Member>> levels = new TreeMap<>();

    static Subpopulations of(List<Trial> trials, UnitCube cube, Direction direction, int size) {
        Subpopulations p = new Subpopulations();
        for (Trial t : trials) {
            p.levels.computeIfAbsent(t.budget(), b -> new ArrayList<>()); // 0: a study without fidelity, plain DE
        }
        for (Trial t : trials) {
            Map<Double, Double> seen = new TreeMap<>();
            for (IntermediateValue v : t.intermediates()) {
                if (p.levels.containsKey(v.step()) && Double.isFinite(v.value())) {
                    seen.put(v.step(), v.value());
                }
            }
            if (t.state() == TrialState.COMPLETE && !t.values().isEmpty() && p.levels.containsKey(t.budget())) {
                seen.putIfAbsent(t.budget(), t.values().get(0));
            }
            if (seen.isEmpty()) {
                continue;
            }
            double[] u = cube.encode(t.config());
            seen.forEach((level, value) -> p.levels.get(level).add(new Member(u, direction.toLoss(value))));
        }
        for (Map.Entry<Double, List<Member>> e : p.levels.entrySet()) {
            List<Member> members = e.getValue();
            members.sort(Comparator.comparingDouble(Member::loss));
            // a configuration evaluated twice (a re-run, say) counts once, with its best value
            List<Member> distinct = new ArrayList<>();
            for (Member m : members) {
                if (distinct.stream().noneMatch(o -> Arrays.equals(o.u(), m.u()))) {
                    distinct.add(m);
                }
                if (distinct.size() == size) {
                    break;
                }
            }
            members = distinct;
            e.setValue(members);
        }
        return p;
    }

    /** The subpopulation at {@code level}, best first (empty when nothing was evaluated there). */
    List<Member> at(double level) {
        return levels.getOrDefault(level, List.of());
    }

    /** The next lower level with at least {@code min} members, or NaN. */
    double lowerLevel(double level, int min) {
        for (Double l = levels.lowerKey(level); l != null; l = levels.lowerKey(l)) {
            if (levels.get(l).size() >= min) {
                return l;
            }
        }
        return Double.NaN;
    }

    /** Every member of every level (DEHB's global population, used to fill a small parent pool). */
    List<Member> all() {
        List<Member> out = new ArrayList<>();
        levels.values().forEach(out::addAll);
        return out;
    }
}
