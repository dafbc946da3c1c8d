package io.hypatia.engine;

import io.hypatia.api.pareto.ParetoRanking;
import io.hypatia.api.study.Objective;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Best trials: the single best for one objective, the non-dominated set for several. */
final class ParetoFront {
    private ParetoFront() {
    }

    static <T> List<T> of(List<T> items, Function<T, List<Double>> values, List<Objective> objectives) {
        if (items.isEmpty()) {
            return List.of();
        }
        if (objectives.size() == 1) {
            var direction = objectives.get(0).direction();
            T best = items.get(0);
            for (T t : items) {
                if (direction.better(values.apply(t).get(0), values.apply(best).get(0))) {
                    best = t;
                }
            }
            return List.of(best);
        }
        List<T> front = new ArrayList<>();
        for (T candidate : items) {
            boolean dominated = false;
            for (T other : items) {
                if (other != candidate && dominates(values.apply(other), values.apply(candidate), objectives)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(candidate);
            }
        }
        return front;
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
