package io.hypatia.benchmark.synthetic.internal;

import io.hypatia.api.benchmark.Benchmark;

/** The synthetic learning-curve benchmarks of {@code hypatia bench}, for in-process runs without Felix. */
public final class LearningCurveBenchmarks {
    private LearningCurveBenchmarks() {
    }

    public static Benchmark branin() {
        return LearningCurves.branin();
    }

    public static Benchmark hartmann6() {
        return LearningCurves.hartmann6();
    }
}
