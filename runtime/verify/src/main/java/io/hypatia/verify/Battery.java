package io.hypatia.verify;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Condition;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The studies a sampler is asked about: every parameter kind (float and int, linear and log, a
 * step, categorical, ordinal), conditional parameters, one and two objectives, constraints,
 * and histories that are empty or long and hold failed, pruned and running trials.
 */
final class Battery {
    private Battery() {
    }

    /** One study as a sampler sees it, short of the trial number. */
    record Scenario(String name, SearchSpace space, List<Objective> objectives, List<Trial> trials, long seed) {
    }

    static final SearchSpace MIXED = SearchSpace.of(List.of(
            new FloatParameter("x_linear", -5, 5, false),
            new FloatParameter("x_log", 1e-5, 1, true),
            new IntParameter("n", 1, 10),
            new IntParameter("n_step", 0, 100, 5, false, null),
            new IntParameter("n_log", 1, 1024, 1, true, null),
            new CategoricalParameter("activation", List.of("relu", "tanh", "gelu")),
            new OrdinalParameter("width", List.of(16L, 32L, 64L, 128L))));

    static final SearchSpace CONDITIONAL = SearchSpace.of(List.of(
            new CategoricalParameter("optimizer", List.of("sgd", "adam")),
            new FloatParameter("lr", 1e-5, 1e-1, true),
            new FloatParameter("momentum", 0, 0.99, false, new Condition("optimizer", List.of("sgd"))),
            new IntParameter("warmup", 0, 50, 10, false, new Condition("optimizer", List.of("adam"))),
            new CategoricalParameter("nesterov", List.of("yes", "no"), new Condition("optimizer", List.of("sgd")))));

    static final SearchSpace SINGLE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));

    private static final List<Objective> ONE = List.of(new Objective("loss", Direction.MINIMIZE));
    private static final List<Objective> TWO = List.of(new Objective("error", Direction.MINIMIZE),
            new Objective("throughput", Direction.MAXIMIZE));

    /** The scenarios every sampler is checked on; {@code longHistory} trials in the long ones. */
    static List<Scenario> scenarios(int longHistory) {
        return List.of(
                new Scenario("mixed/1-objective/empty", MIXED, ONE, List.of(), 11),
                new Scenario("single/1-objective/long", SINGLE, ONE, history(SINGLE, ONE, longHistory, false, 1), 12),
                new Scenario("mixed/1-objective/long", MIXED, ONE, history(MIXED, ONE, longHistory, false, 2), 13),
                new Scenario("conditional/1-objective/long", CONDITIONAL, ONE, history(CONDITIONAL, ONE, longHistory, false, 3), 14),
                new Scenario("mixed/2-objectives/long", MIXED, TWO, history(MIXED, TWO, longHistory, false, 4), 15),
                new Scenario("conditional/2-objectives/constraints", CONDITIONAL, TWO,
                        history(CONDITIONAL, TWO, longHistory, true, 5), 16));
    }

    /**
     * A history of {@code n} trials from uniform configurations with smooth objective values:
     * every 7th FAILED, every 11th PRUNED with intermediate values, the last three RUNNING.
     */
    static List<Trial> history(SearchSpace space, List<Objective> objectives, int n, boolean constrained, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Trial> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Config config = space.sampleUniform(random);
            double u = unitDistance(space, config);
            TrialState state = i >= n - 3 ? TrialState.RUNNING
                    : i % 7 == 6 ? TrialState.FAILED : i % 11 == 10 ? TrialState.PRUNED : TrialState.COMPLETE;
            List<Double> values = state != TrialState.COMPLETE ? List.of()
                    : objectives.size() == 1 ? List.of(u) : List.of(u, 1 - u * u + 0.1 * random.nextDouble());
            List<IntermediateValue> curve = state == TrialState.PRUNED
                    ? List.of(new IntermediateValue(1, u + 1), new IntermediateValue(2, u + 0.5)) : List.of();
            List<Double> constraints = constrained && state == TrialState.COMPLETE ? List.of(u - 0.4) : List.of();
            out.add(new Trial(1000 + i, i, state, config, values, curve, 0, Map.of(), constraints));
        }
        return out;
    }

    /** Mean squared distance of the active numeric coordinates from 0.3, in the unit cube. */
    private static double unitDistance(SearchSpace space, Config config) {
        double sum = 0;
        int n = 0;
        for (Parameter p : space.parameters()) {
            if (config.has(p.name())) {
                double d = p.toUnit(config.get(p.name())) - 0.3;
                sum += d * d;
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    /** Deep copies of the trials, as a restarted service would rebuild them from its store. */
    static List<Trial> rebuilt(List<Trial> trials) {
        List<Trial> out = new ArrayList<>();
        for (Trial t : trials) {
            out.add(new Trial(t.id(), t.number(), t.state(), Config.of(new java.util.LinkedHashMap<>(t.config().values())),
                    new ArrayList<>(t.values()), new ArrayList<>(t.intermediates()), t.budget(),
                    new java.util.HashMap<>(t.attributes()), new ArrayList<>(t.constraints())));
        }
        return out;
    }
}
