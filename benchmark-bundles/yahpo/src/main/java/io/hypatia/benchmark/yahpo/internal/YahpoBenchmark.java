package io.hypatia.benchmark.yahpo.internal;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.benchmark.Evaluation;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.InvalidSpaceException;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Objective;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One instance (OpenML task) of a YAHPO scenario as a multi-fidelity {@link Benchmark}. The
 * surrogate is deterministic, so {@code seed} is ignored; the cost of an evaluation is the
 * predicted training time up to {@code budget} in seconds ({@code time} for lcbench, cumulative
 * over epochs; {@code timetrain} for rbv2/iaml), clamped at 0.
 */
public final class YahpoBenchmark implements Benchmark {
    private final YahpoScenario scenario;
    private final String instance;
    private final int instanceCode;
    private final String name;

    YahpoBenchmark(YahpoScenario scenario, String instance, String name) {
        this.scenario = scenario;
        this.instanceCode = scenario.instanceCode(instance);
        this.instance = instance;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    public String instance() {
        return instance;
    }

    public YahpoScenario scenario() {
        return scenario;
    }

    @Override
    public SearchSpace space() {
        return scenario.space();
    }

    @Override
    public List<Objective> objectives() {
        return List.of(scenario.scenario().objective());
    }

    @Override
    public Optional<Fidelity> fidelity() {
        return Optional.of(scenario.fidelity());
    }

    /**
     * Evaluates {@code config} at {@code budget} (epochs for lcbench, rounded to an integer; the
     * training-set fraction for rbv2/iaml). {@code seed} is ignored: the surrogate is noise-free.
     *
     * @throws InvalidSpaceException naming {@code config.<param>} for a bad configuration
     * @throws IllegalArgumentException for a budget outside the fidelity range
     */
    @Override
    public Evaluation evaluate(Config config, double budget, long seed) {
        float[] y = predictRaw(config, budget);
        return Evaluation.of(y[scenario.objectiveIndex()], Math.max(0.0, y[scenario.runtimeIndex()]));
    }

    /** All targets of the surrogate for {@code config} at {@code budget}, in the model's order. */
    public Map<String, Double> predict(Config config, double budget) {
        float[] y = predictRaw(config, budget);
        Map<String, Double> out = new LinkedHashMap<>();
        List<String> targets = scenario.scenario().targets();
        for (int i = 0; i < targets.size(); i++) {
            out.put(targets.get(i), (double) y[i]);
        }
        return out;
    }

    private float[] predictRaw(Config config, double budget) {
        Scenario s = scenario.scenario();
        // Friendlier than "not a parameter of this space" for the two usual mistakes.
        if (config.has(s.fidelityParameter())) {
            throw new InvalidSpaceException("config." + s.fidelityParameter(), "is the fidelity of " + name
                    + "; pass it as the budget of evaluate, not in the configuration");
        }
        if (config.has(s.instanceParameter())) {
            throw new InvalidSpaceException("config." + s.instanceParameter(), "is the instance of " + name + ", fixed to "
                    + instance + "; pick another instance by benchmark name (" + s.benchmarkName("<id>") + ")");
        }
        for (String fixed : s.fixedAtMax()) {
            if (config.has(fixed)) {
                throw new InvalidSpaceException("config." + fixed, "is held at its maximum by " + name + ", not tunable");
            }
        }
        Config valid = scenario.space().validate(config);
        double fidelity = scenario.fidelityValue(budget);
        int[] cat = new int[s.categoricalInputs().size()];
        float[] cont = new float[s.continuousInputs().size()];
        scenario.encode(valid, instanceCode, fidelity, cat, 0, cont, 0);
        return scenario.surrogate().predict(cat, cont, 1);
    }

    @Override
    public String toString() {
        return name + " (" + scenario.scenario().id() + " " + s().instanceParameter() + "=" + instance + ")";
    }

    private Scenario s() {
        return scenario.scenario();
    }
}
