package io.hypatia.sampler.nsga2.internal;

import java.util.Map;

/** Parsed sampler configuration; the keys are documented on {@link Nsga2Sampler}. */
record Nsga2Settings(int populationSize, double crossoverProb, double mutationProb, double swappingProb,
                     double etaC, double etaM) {

    /** @param dimension number of parameters, which sets the default mutation probability 1/d */
    static Nsga2Settings parse(Map<String, String> config, int dimension) {
        int p = (int) number(config, "population_size", 50, 2, 1_000_000, true);
        double pc = number(config, "crossover_prob", 0.9, 0, 1, false);
        double pm = number(config, "mutation_prob", 1.0 / Math.max(1, dimension), 0, 1, false);
        double ps = number(config, "swapping_prob", 0.5, 0, 1, false);
        double etaC = number(config, "eta_c", 20, 0, 1000, false);
        double etaM = number(config, "eta_m", 20, 0, 1000, false);
        return new Nsga2Settings(p, pc, pm, ps, etaC, etaM);
    }

    private static double number(Map<String, String> config, String key, double fallback, double min, double max, boolean integer) {
        String s = config.get(key);
        if (s == null) {
            return fallback;
        }
        double v;
        try {
            v = integer ? Integer.parseInt(s.trim()) : Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("sampler config '" + key + "' must be " + (integer ? "an integer" : "a number")
                    + " in [" + (integer ? String.valueOf((long) min) : String.valueOf(min)) + ", "
                    + (integer ? String.valueOf((long) max) : String.valueOf(max)) + "], got '" + s + "'");
        }
        return v;
    }
}
