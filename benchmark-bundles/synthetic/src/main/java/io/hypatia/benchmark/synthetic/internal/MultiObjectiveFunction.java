package io.hypatia.benchmark.synthetic.internal;

import io.hypatia.api.benchmark.Evaluation;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the multi-objective test problems here share: variables x1..xn on [0, 1], objectives
 * f1..fM all minimised, deterministic evaluation at unit cost, a hypervolume reference point and
 * the hypervolume of the true Pareto front with respect to it, so that a runner can report
 * {@code HV(found) / HV(front)} or the regret {@code HV(front) - HV(found)}.
 *
 * <p>No per-run variants: {@link #instance} keeps the default (this benchmark). The fronts are
 * known in closed form only where the problems are, and what matters for multi-objective runs is
 * how well the front is covered, which a shift would not change.
 */
abstract class MultiObjectiveFunction implements OfferedBenchmark {
    /**
     * Service property (a {@link Double}) with the hypervolume of the true Pareto front with
     * respect to {@link #referencePoint()}. The API has no method for it yet.
     */
    static final String PARETO_FRONT_HYPERVOLUME = "hypatia.benchmark.paretoFrontHypervolume";

    private final String name;
    private final String description;
    private final SearchSpace space;
    private final List<Objective> objectives;
    private final double[] referencePoint;

    MultiObjectiveFunction(String name, String description, int variables, int objectiveCount, double[] referencePoint) {
        if (referencePoint.length != objectiveCount) {
            throw new IllegalArgumentException(objectiveCount + " objectives need as many reference values");
        }
        this.name = name;
        this.description = description;
        this.space = Box.unit(variables);
        List<Objective> list = new ArrayList<>();
        for (int m = 1; m <= objectiveCount; m++) {
            list.add(new Objective("f" + m, Direction.MINIMIZE));
        }
        this.objectives = List.copyOf(list);
        this.referencePoint = referencePoint.clone();
    }

    /** (f1..fM) at x = (x1..xn), every xi in [0, 1]. */
    abstract double[] values(double[] x);

    /** The hypervolume of the true Pareto front with respect to {@link #referencePoint()}. */
    abstract double paretoFrontHypervolume();

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final SearchSpace space() {
        return space;
    }

    int variables() {
        return space.size();
    }

    @Override
    public final List<Objective> objectives() {
        return objectives;
    }

    @Override
    public final Optional<List<Double>> referencePoint() {
        List<Double> list = new ArrayList<>();
        for (double r : referencePoint) {
            list.add(r);
        }
        return Optional.of(List.copyOf(list));
    }

    /** The reference point as an array (a copy). */
    final double[] reference() {
        return referencePoint.clone();
    }

    /** Deterministic: {@code budget} and {@code seed} are ignored (no fidelity, no noise). */
    @Override
    public final Evaluation evaluate(Config config, double budget, long seed) {
        double[] f = values(Box.coordinates(space.validate(config), space.size()));
        List<Double> list = new ArrayList<>(f.length);
        for (double v : f) {
            list.add(v);
        }
        return new Evaluation(list, SyntheticBenchmark.COST);
    }

    @Override
    public Map<String, Object> serviceProperties() {
        return Map.of(PARETO_FRONT_HYPERVOLUME, paretoFrontHypervolume());
    }

    @Override
    public String toString() {
        return name;
    }
}
