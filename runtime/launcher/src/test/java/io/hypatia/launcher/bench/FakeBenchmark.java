package io.hypatia.launcher.bench;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.benchmark.Evaluation;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleBiFunction;

/**
 * A benchmark from plain code: one float x in [0, 1000], value and cumulative cost given as
 * functions of (x, budget). With the {@code trial-number} sampler of the tests, x is the trial
 * number, so costs can be set per trial by hand.
 */
final class FakeBenchmark implements Benchmark {
    private final Fidelity fidelity;
    private final ToDoubleBiFunction<Double, Double> value;
    private final ToDoubleBiFunction<Double, Double> cost;

    FakeBenchmark(Fidelity fidelity, ToDoubleBiFunction<Double, Double> value, ToDoubleBiFunction<Double, Double> cost) {
        this.fidelity = fidelity;
        this.value = value;
        this.cost = cost;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public SearchSpace space() {
        return SearchSpace.of(List.of(new FloatParameter("x", 0, 1000, false)));
    }

    @Override
    public List<Objective> objectives() {
        return List.of(new Objective("loss", Direction.MINIMIZE));
    }

    @Override
    public Optional<Fidelity> fidelity() {
        return Optional.ofNullable(fidelity);
    }

    @Override
    public Evaluation evaluate(Config config, double budget, long seed) {
        double x = config.getDouble("x");
        return Evaluation.of(value.applyAsDouble(x, budget), cost.applyAsDouble(x, budget));
    }

    @Override
    public OptionalDouble optimalValue() {
        return OptionalDouble.of(0);
    }
}
