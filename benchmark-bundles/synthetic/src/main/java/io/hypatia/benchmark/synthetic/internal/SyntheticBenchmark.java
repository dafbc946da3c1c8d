package io.hypatia.benchmark.synthetic.internal;

import io.hypatia.api.benchmark.Evaluation;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * What every synthetic function here shares: one minimised objective {@code value}, a known
 * optimal value, deterministic evaluation at unit cost, and per-run variants ({@link #instance})
 * whose optimum is moved inside the domain with the optimal value unchanged, so that regret
 * {@code value - optimalValue} means the same in every run.
 */
abstract class SyntheticBenchmark implements OfferedBenchmark {
    static final List<Objective> OBJECTIVES = List.of(new Objective("value", Direction.MINIMIZE));
    /** A synthetic function stands for no training, so every evaluation costs the same. */
    static final double COST = 1.0;
    /** Shifted optima are drawn away from the bounds, in the inner 80% of each range (BBOB uses [-4,4] of [-5,5]). */
    static final double MARGIN = 0.1;

    private final String name;
    private final String description;
    private final SearchSpace space;
    private final double optimalValue;

    SyntheticBenchmark(String name, String description, SearchSpace space, double optimalValue) {
        this.name = name;
        this.description = description;
        this.space = space;
        this.optimalValue = optimalValue;
    }

    /** The value at a configuration already validated against {@link #space()}. */
    abstract double value(Config config);

    /** A global minimiser of this instance (the shifted one for a per-run variant). */
    abstract Config argmin();

    /** The unshifted function this instance derives from. */
    abstract SyntheticBenchmark textbook();

    /** A variant of the textbook function with its optimum moved to a point drawn from {@code random}. */
    abstract SyntheticBenchmark shifted(RandomGenerator random);

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

    @Override
    public final List<Objective> objectives() {
        return OBJECTIVES;
    }

    @Override
    public final OptionalDouble optimalValue() {
        return OptionalDouble.of(optimalValue);
    }

    /** Deterministic: {@code budget} and {@code seed} are ignored (no fidelity, no noise). */
    @Override
    public final Evaluation evaluate(Config config, double budget, long seed) {
        return Evaluation.of(value(space.validate(config)), COST);
    }

    /** Run seed 0 is the textbook function; any other seed moves the optimum, always from the textbook one. */
    @Override
    public final SyntheticBenchmark instance(long runSeed) {
        if (runSeed == 0) {
            return textbook();
        }
        // Mixing in the name keeps the functions of one run from all moving their optimum alike.
        return shifted(new SplittableRandom(runSeed ^ (name.hashCode() * 0x9E3779B97F4A7C15L)));
    }

    /** A point of [low, high] drawn uniformly from its inner part (see {@link #MARGIN}). */
    static double drawInside(RandomGenerator random, double low, double high) {
        return low + (high - low) * (MARGIN + (1 - 2 * MARGIN) * random.nextDouble());
    }

    @Override
    public String toString() {
        return name + (this == textbook() ? "" : " (shifted, argmin " + argmin() + ")");
    }
}
