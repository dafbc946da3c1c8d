package io.hypatia.sampler.tpe.internal;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A plain-Java ask/tell loop: suggest, evaluate a test function, append a COMPLETE trial. */
final class AskTellLoop {
    static final List<Objective> MINIMIZE = List.of(new Objective("y", Direction.MINIMIZE));

    private AskTellLoop() {
    }

    static SamplerContext context(SearchSpace space, List<Objective> objectives, List<Trial> trials, long seed,
                                  Map<String, String> config) {
        return new SamplerContext("test", space, objectives, trials, trials.size(), seed, config);
    }

    static Trial complete(int number, Config config, double[] values, List<Double> constraints) {
        List<Double> v = new ArrayList<>(values.length);
        for (double x : values) {
            v.add(x);
        }
        return new Trial(number, number, TrialState.COMPLETE, config, v, List.of(), 0, Map.of(), constraints);
    }

    static Trial running(int number, Config config) {
        return new Trial(number, number, TrialState.RUNNING, config, List.of(), List.of(), 0, Map.of());
    }

    /** Runs {@code budget} sequential trials of a single- or multi-objective function. */
    static List<Trial> run(Sampler sampler, SearchSpace space, List<Objective> objectives, Map<String, String> config,
                           long seed, int budget, Function<Config, double[]> f, Function<Config, List<Double>> constraints) {
        List<Trial> trials = new ArrayList<>(budget);
        for (int t = 0; t < budget; t++) {
            Config c = sampler.suggest(context(space, objectives, trials, seed, config));
            trials.add(complete(t, c, f.apply(c), constraints == null ? List.of() : constraints.apply(c)));
        }
        return trials;
    }

    static List<Trial> run(Sampler sampler, SearchSpace space, Map<String, String> config, long seed, int budget,
                           Function<Config, Double> f) {
        return run(sampler, space, MINIMIZE, config, seed, budget, c -> new double[] {f.apply(c)}, null);
    }

    static double best(List<Trial> trials) {
        return trials.stream().mapToDouble(t -> t.values().get(0)).min().orElseThrow();
    }

    static double median(double[] a) {
        double[] s = a.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
