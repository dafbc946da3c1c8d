package io.hypatia.api.sampler;

import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Everything a sampler may use to make one suggestion.
 *
 * @param studyName   the study's name
 * @param space       the validated search space
 * @param objectives  objectives in order
 * @param trials      every trial of the study so far, in creation order, including RUNNING
 *                    ones (e.g. for a constant liar); the trial being suggested is not among them
 * @param trialNumber number the suggested trial will get
 * @param seed        the study's seed (sampler config {@code seed}, or one derived from the name)
 * @param config      the sampler's configuration as given at study creation
 * @param budget      the fidelity budget the suggested trial will be trained to first (the
 *                    scheduler's {@code initialBudget}, e.g. the bottom rung of its bracket), so a
 *                    multi-fidelity sampler can model that budget; 0 when the study has no fidelity
 *                    or the budget is not known (since 1.1)
 */
public record SamplerContext(String studyName, SearchSpace space, List<Objective> objectives, List<Trial> trials,
                             int trialNumber, long seed, Map<String, String> config, double budget) {

    public SamplerContext {
        trials = TrialList.copyOf(trials); // the engine's TrialList is kept as is, not copied per ask
        config = Map.copyOf(config);
    }

    /** A context without a known budget. */
    public SamplerContext(String studyName, SearchSpace space, List<Objective> objectives, List<Trial> trials,
                          int trialNumber, long seed, Map<String, String> config) {
        this(studyName, space, objectives, trials, trialNumber, seed, config, 0);
    }

    /**
     * A random stream that depends only on the seed and the trial number, so suggestions are
     * reproducible however asks interleave across workers and restarts.
     */
    public SplittableRandom random() {
        // Both inputs go through a 64-bit finaliser: seeding SplittableRandom with a linear
        // function of the seed would make consecutive seeds give shifted copies of one stream.
        return new SplittableRandom(mix64(mix64(seed ^ 0x632BE59BD9B4E019L) + trialNumber * 0xD1B54A32D192ED03L));
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser: a bijective 64-bit mix. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A sampler setting parsed as a long, or {@code fallback} when absent. */
    public long configLong(String key, long fallback) {
        String v = config.get(key);
        return v == null ? fallback : Long.parseLong(v.trim());
    }

    /** A sampler setting parsed as a double, or {@code fallback} when absent. */
    public double configDouble(String key, double fallback) {
        String v = config.get(key);
        return v == null ? fallback : Double.parseDouble(v.trim());
    }
}
