package io.hypatia.sampler.cmaes.internal;

import io.hypatia.api.PluginConfig;
import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import java.util.List;
import java.util.Map;

/** Parsed sampler configuration; the keys are documented on {@link CmaEsSampler}. */
record CmaSettings(double sigma0, int populationSize, boolean ipop) {
    /** Initial step size in the unit cube: the box spans about ±3 sigma0 around the start. */
    static final double DEFAULT_SIGMA0 = 1.0 / 6;
    static final String SIGMA0 = "sigma0";
    static final String POPULATION_SIZE = "population_size";
    static final String RESTART = "restart";

    static final Settings SETTINGS = Settings.of(
            Setting.real(SIGMA0, DEFAULT_SIGMA0, Math.nextUp(0.0), 1.0, "initial step size in the unit cube"),
            Setting.integer(POPULATION_SIZE, 0, 2, 100_000, "initial lambda; default 4 + floor(3 ln n) for n searched parameters")
                    .withoutDefault(),
            Setting.choice(RESTART, "ipop", List.of("ipop", "none"), "restart strategy: IPOP (doubling population) or none"));

    /**
     * @param n number of dimensions CMA-ES searches; fixes the default population size
     * @throws io.hypatia.api.SettingException naming the offending key
     */
    static CmaSettings parse(Map<String, String> values, int n) {
        PluginConfig config = SETTINGS.read(values);
        int lambda = config.has(POPULATION_SIZE) ? (int) config.integer(POPULATION_SIZE) : defaultPopulationSize(n);
        return new CmaSettings(config.real(SIGMA0), lambda, config.choice(RESTART).equals("ipop"));
    }

    /** lambda = 4 + floor(3 ln n) (Hansen's default). */
    static int defaultPopulationSize(int n) {
        return 4 + (int) Math.floor(3 * Math.log(Math.max(1, n)));
    }
}
