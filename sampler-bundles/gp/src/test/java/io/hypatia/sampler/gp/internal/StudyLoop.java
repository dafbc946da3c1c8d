package io.hypatia.sampler.gp.internal;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/** A sequential study driven in memory, as the engine would: ask, evaluate, tell. */
final class StudyLoop {
    private StudyLoop() {
    }

    static final Objective MINIMIZE = new Objective("y", Direction.MINIMIZE);

    static SamplerContext context(SearchSpace space, List<Trial> trials, long seed, Map<String, String> config) {
        return new SamplerContext("test", space, List.of(MINIMIZE), trials, trials.size(), seed, config);
    }

    static Trial complete(int number, Config c, double value, List<Double> constraints) {
        return new Trial(number, number, TrialState.COMPLETE, c, List.of(value), List.of(), 0, Map.of(), constraints);
    }

    static Trial running(int number, Config c) {
        return new Trial(number, number, TrialState.RUNNING, c, List.of(), List.of(), 0, Map.of(), List.of());
    }

    /** Runs {@code n} trials; {@code constraint} may be null. */
    static List<Trial> run(Sampler sampler, SearchSpace space, Function<Config, Double> f,
                           Function<Config, Double> constraint, int n, long seed, Map<String, String> config) {
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Config c = sampler.suggest(context(space, trials, seed, config));
            trials.add(complete(i, c, f.apply(c), constraint == null ? List.of() : List.of(constraint.apply(c))));
        }
        return trials;
    }

    /**
     * A sequential study of a fresh {@link GpSampler} on a benchmark's instance, each trial
     * evaluated at full budget with the study's seed, one trial per {@link #next()}.
     */
    static final class OnBenchmark {
        final List<Trial> trials = new ArrayList<>();
        private final Benchmark benchmark;
        private final long seed;
        private final Map<String, String> config;
        private final GpSampler sampler = new GpSampler();
        private long askNanos;
        private Config last;

        OnBenchmark(Benchmark benchmark, long seed, Map<String, String> config) {
            this.benchmark = benchmark;
            this.seed = seed;
            this.config = config;
        }

        /** Asks, evaluates and tells one trial; returns its value. */
        double next() {
            long t0 = System.nanoTime();
            last = sampler.suggest(context(benchmark.space(), trials, seed, config));
            askNanos += System.nanoTime() - t0;
            double v = benchmark.evaluate(last, 1, seed).values().get(0);
            trials.add(complete(trials.size(), last, v, List.of()));
            return v;
        }

        /** The configuration of the last trial. */
        Config last() {
            return last;
        }

        /** Time spent in the sampler's asks so far. */
        long askNanos() {
            return askNanos;
        }
    }

    static double best(List<Trial> trials) {
        return trials.stream().mapToDouble(t -> t.values().get(0)).min().orElseThrow();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    static SearchSpace unitCube(int d) {
        return SearchSpace.of(IntStream.range(0, d).mapToObj(j -> new FloatParameter("x" + j, 0, 1, false)).toList());
    }

    // ---- test functions (Surjanovic and Bingham, Virtual Library of Simulation Experiments) ----

    /** Branin-Hoo on [-5, 10] x [0, 15]; global minimum 0.397887 at three points. */
    static double branin(double x1, double x2) {
        double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
        double u = x2 - b * x1 * x1 + c * x1 - 6;
        return u * u + 10 * (1 - t) * Math.cos(x1) + 10;
    }

    static final double BRANIN_MIN = 0.397887;

    private static final double[] H6_ALPHA = {1.0, 1.2, 3.0, 3.2};
    private static final double[][] H6_A = {
            {10, 3, 17, 3.5, 1.7, 8},
            {0.05, 10, 17, 0.1, 8, 14},
            {3, 3.5, 1.7, 10, 17, 8},
            {17, 8, 0.05, 10, 0.1, 14}};
    private static final double[][] H6_P = {
            {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
            {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
            {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
            {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};

    /** Hartmann-6 on [0, 1]^6; global minimum -3.32237. */
    static double hartmann6(double[] x) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
            double inner = 0;
            for (int j = 0; j < 6; j++) {
                double t = x[j] - H6_P[i][j];
                inner += H6_A[i][j] * t * t;
            }
            s += H6_ALPHA[i] * Math.exp(-inner);
        }
        return -s;
    }

    static final double HARTMANN6_MIN = -3.32237;

    static double[] vector(Config c, int d) {
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
            x[j] = c.getDouble("x" + j);
        }
        return x;
    }
}
