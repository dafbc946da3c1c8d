package io.hypatia.sampler.cmaes.internal;

import java.util.Locale;
import java.util.Map;

/** Parsed sampler configuration; the keys are documented on {@link CmaEsSampler}. */
record CmaSettings(double sigma0, int populationSize, boolean ipop) {
    /** Initial step size in the unit cube: the box spans about ±3 sigma0 around the start. */
    static final double DEFAULT_SIGMA0 = 1.0 / 6;
    static final String SIGMA0 = "sigma0";
    static final String POPULATION_SIZE = "population_size";
    static final String RESTART = "restart";

    /** @param n number of dimensions CMA-ES searches; fixes the default population size */
    static CmaSettings parse(Map<String, String> config, int n) {
        double sigma0 = DEFAULT_SIGMA0;
        String s = config.get(SIGMA0);
        if (s != null) {
            try {
                sigma0 = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                sigma0 = Double.NaN;
            }
            if (!(sigma0 > 0 && sigma0 <= 1)) {
                throw new IllegalArgumentException("sampler config '" + SIGMA0 + "' must be a number in (0, 1] (step size in the unit cube), got '" + s + "'");
            }
        }
        int lambda = defaultPopulationSize(n);
        String p = config.get(POPULATION_SIZE);
        if (p != null) {
            try {
                lambda = Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                lambda = -1;
            }
            if (lambda < 2 || lambda > 100_000) {
                throw new IllegalArgumentException("sampler config '" + POPULATION_SIZE + "' must be an integer in 2..100000, got '" + p + "'");
            }
        }
        boolean ipop = true;
        String r = config.get(RESTART);
        if (r != null) {
            switch (r.trim().toLowerCase(Locale.ROOT)) {
                case "ipop" -> ipop = true;
                case "none" -> ipop = false;
                default -> throw new IllegalArgumentException("sampler config '" + RESTART + "' must be 'ipop' or 'none', got '" + r + "'");
            }
        }
        return new CmaSettings(sigma0, lambda, ipop);
    }

    /** lambda = 4 + floor(3 ln n) (Hansen's default). */
    static int defaultPopulationSize(int n) {
        return 4 + (int) Math.floor(3 * Math.log(Math.max(1, n)));
    }
}
