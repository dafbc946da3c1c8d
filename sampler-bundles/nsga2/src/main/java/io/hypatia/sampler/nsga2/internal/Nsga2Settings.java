package io.hypatia.sampler.nsga2.internal;

import io.hypatia.api.PluginConfig;
import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import java.util.Map;

/** Parsed sampler configuration; the keys are documented on {@link Nsga2Sampler}. */
record Nsga2Settings(int populationSize, double crossoverProb, double mutationProb, double swappingProb,
                     double etaC, double etaM) {

    static final Settings SETTINGS = Settings.of(
            Setting.integer("population_size", 50, 2, 1_000_000, "population size P"),
            Setting.real("crossover_prob", 0.9, 0, 1, "probability that two parents are crossed"),
            Setting.real("mutation_prob", 0, 0, 1, "per-parameter mutation probability; default 1/d for d parameters")
                    .withoutDefault(),
            Setting.real("swapping_prob", 0.5, 0, 1, "categorical uniform-crossover swap probability"),
            Setting.real("eta_c", 20, 0, 1000, "SBX distribution index"),
            Setting.real("eta_m", 20, 0, 1000, "polynomial mutation distribution index"));

    /** @param dimension number of parameters, which sets the default mutation probability 1/d */
    static Nsga2Settings parse(Map<String, String> values, int dimension) {
        PluginConfig config = SETTINGS.read(values);
        return new Nsga2Settings(
                (int) config.integer("population_size"),
                config.real("crossover_prob"),
                config.has("mutation_prob") ? config.real("mutation_prob") : 1.0 / Math.max(1, dimension),
                config.real("swapping_prob"),
                config.real("eta_c"),
                config.real("eta_m"));
    }
}
