package io.hypatia.sampler.nsga2.internal;

import io.hypatia.api.PluginConfig;
import java.util.Map;

/** Parsed sampler configuration; the keys are documented on {@link Nsga2Sampler}. */
record Nsga2Settings(int populationSize, double crossoverProb, double mutationProb, double swappingProb,
                     double etaC, double etaM) {

    /** @param dimension number of parameters, which sets the default mutation probability 1/d */
    static Nsga2Settings parse(Map<String, String> values, int dimension) {
        PluginConfig config = PluginConfig.of("sampler", values);
        return new Nsga2Settings(
                config.integer("population_size", 50, 2, 1_000_000),
                config.real("crossover_prob", 0.9, 0, 1),
                config.real("mutation_prob", 1.0 / Math.max(1, dimension), 0, 1),
                config.real("swapping_prob", 0.5, 0, 1),
                config.real("eta_c", 20, 0, 1000),
                config.real("eta_m", 20, 0, 1000));
    }
}
