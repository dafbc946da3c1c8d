package io.hypatia.launcher.bench;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.pareto.Hypervolume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The anytime score of one run as evaluations arrive. Single objective: the best value so far
 * and, when the optimum is known, its regret (best - optimum measured in the objective's
 * direction, so always "smaller is better"; signed, since a noisy draw can beat the optimum of
 * the means). Several objectives with a reference point: the hypervolume of everything seen so
 * far (exact, {@link Hypervolume}), over the non-dominated archive (a dominated point adds no
 * volume). Otherwise the best value as a loss.
 */
final class Incumbent {
    /** What {@link #score()} measures; regret and loss are minimised, hypervolume maximised. */
    enum Kind {
        REGRET, HYPERVOLUME, LOSS;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean higherIsBetter() {
            return this == HYPERVOLUME;
        }

        static Kind of(String label) {
            return valueOf(label.toUpperCase(java.util.Locale.ROOT));
        }
    }

    private final List<Objective> objectives;
    private final Kind kind;
    private final double optimum;
    private final double[] reference;
    private final List<double[]> losses = new ArrayList<>();
    private double best = Double.NaN;
    private double hypervolume;

    Incumbent(Benchmark instance) {
        this(instance.objectives(), instance.optimalValue(), instance.referencePoint());
    }

    Incumbent(List<Objective> objectives, OptionalDouble optimum, Optional<List<Double>> reference) {
        this.objectives = List.copyOf(objectives);
        if (objectives.size() > 1 && reference.isPresent()) {
            kind = Kind.HYPERVOLUME;
            List<Double> r = reference.get();
            this.reference = new double[r.size()];
            for (int i = 0; i < r.size(); i++) {
                this.reference[i] = objectives.get(i).direction().toLoss(r.get(i));
            }
        } else {
            kind = optimum.isPresent() && objectives.size() == 1 ? Kind.REGRET : Kind.LOSS;
            this.reference = null;
        }
        this.optimum = optimum.orElse(Double.NaN);
    }

    void add(List<Double> values) {
        Direction d = objectives.get(0).direction();
        double v = values.get(0);
        if (Double.isNaN(best) || d.better(v, best)) {
            best = v;
        }
        if (kind == Kind.HYPERVOLUME) {
            double[] loss = new double[values.size()];
            for (int i = 0; i < loss.length; i++) {
                loss[i] = objectives.get(i).direction().toLoss(values.get(i));
            }
            if (losses.stream().noneMatch(a -> weaklyDominates(a, loss))) {
                losses.removeIf(a -> weaklyDominates(loss, a));
                losses.add(loss);
                hypervolume = Hypervolume.of(losses, reference);
            }
        }
    }

    private static boolean weaklyDominates(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] > b[i]) {
                return false;
            }
        }
        return true;
    }

    boolean multiObjective() {
        return objectives.size() > 1;
    }

    Kind kind() {
        return kind;
    }

    /** Best value of the first objective so far. */
    double best() {
        return best;
    }

    double score() {
        Direction d = objectives.get(0).direction();
        return switch (kind) {
            case REGRET -> d.toLoss(best) - d.toLoss(optimum);
            case HYPERVOLUME -> hypervolume;
            case LOSS -> d.toLoss(best);
        };
    }
}
