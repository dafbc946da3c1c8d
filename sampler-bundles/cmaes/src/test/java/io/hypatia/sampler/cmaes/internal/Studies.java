package io.hypatia.sampler.cmaes.internal;

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
import java.util.function.ToDoubleFunction;

/** Runs a sequential single-objective study against a test function. */
final class Studies {
    private Studies() {
    }

    static final List<Objective> MIN = List.of(new Objective("f", Direction.MINIMIZE));

    static SamplerContext context(SearchSpace space, List<Trial> trials, int number, long seed, Map<String, String> config) {
        return new SamplerContext("study", space, MIN, trials, number, seed, config);
    }

    static Trial complete(int number, Config config, double value) {
        return new Trial(number, number, TrialState.COMPLETE, config, List.of(value), List.of(), 0, Map.of());
    }

    static Trial withState(int number, Config config, TrialState state) {
        return new Trial(number, number, state, config, List.of(), List.of(), 0, Map.of());
    }

    /** The history after {@code budget} sequential trials. */
    static List<Trial> run(Sampler sampler, SearchSpace space, ToDoubleFunction<Config> f, int budget, long seed,
                           Map<String, String> config) {
        List<Trial> trials = new ArrayList<>();
        for (int t = 0; t < budget; t++) {
            Config c = sampler.suggest(context(space, trials, t, seed, config));
            trials.add(complete(t, c, f.applyAsDouble(c)));
        }
        return trials;
    }

    static double best(List<Trial> trials) {
        return trials.stream().filter(t -> t.state() == TrialState.COMPLETE).mapToDouble(t -> t.values().get(0)).min().orElse(Double.NaN);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
