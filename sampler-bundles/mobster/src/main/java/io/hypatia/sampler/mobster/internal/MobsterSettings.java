package io.hypatia.sampler.mobster.internal;

import io.hypatia.api.PluginConfig;
import io.hypatia.api.Setting;
import io.hypatia.api.SettingException;
import io.hypatia.api.Settings;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.sampler.support.RungLevels;
import java.util.Arrays;
import java.util.Map;

/**
 * The sampler's configuration (all keys optional), declared in {@link #SETTINGS}.
 *
 * @param levels        {@code resource_levels}: the resources the data are kept at and EI may target;
 *                      null for {@code auto} (the smallest reported step times powers of {@code eta})
 * @param eta           {@code eta} (default 3): ratio of successive auto levels; match the scheduler's
 *                      {@code reduction_factor}
 * @param minPoints     {@code min_points} (default 0: the number of parameters + 2, at least 5): trials that
 *                      must have reached a level before EI targets it; random search until one has
 * @param randomFraction {@code random_fraction} (default 0): share of suggestions drawn uniformly at random
 * @param maxPoints     {@code max_points} (default 300): observations the posterior conditions on; more are
 *                      subsampled (those at and above the target level first)
 * @param maxFitPoints  {@code max_fit_points} (default 64): observations the hyper-parameter fit uses
 * @param candidates    {@code n_candidates} (default 500): configurations scored by EI per suggestion
 * @param restarts      {@code n_restarts} (default 2): starts of the marginal-likelihood optimisation
 * @param costExponent  {@code cost_exponent} (default 1): the acquisition is EI / cost^cost_exponent, the cost
 *                      of a configuration per step predicted from the trials' training times; 0: plain EI
 */
record MobsterSettings(double[] levels, double eta, int minPoints, double randomFraction, int maxPoints,
                       int maxFitPoints, int candidates, int restarts, double costExponent) {

    static final String RESOURCE_LEVELS = "resource_levels";
    static final String MAX_FIT_POINTS = "max_fit_points";

    static final Settings SETTINGS = Settings.of(
            Setting.text(RESOURCE_LEVELS, "auto", "'auto' (the smallest reported step times powers of eta) or the"
                    + " scheduler's rung levels as a comma-separated list, e.g. 1,3,9,27,81"),
            Setting.real("eta", 3, Math.nextUp(1.0), 1000, "ratio of successive auto levels (the scheduler's reduction_factor)"),
            Setting.integer("min_points", 0, 0, 1_000_000,
                    "trials that must reach a level before EI targets it; 0: parameters + 2, at least 5"),
            Setting.real("random_fraction", 0, 0, 1, "share of suggestions drawn uniformly at random"),
            Setting.integer("max_points", 300, 10, 100_000, "observations the GP posterior conditions on (subsampled above)"),
            Setting.integer(MAX_FIT_POINTS, 64, 10, 100_000, "observations the hyper-parameter fit uses"),
            Setting.integer("n_candidates", 500, 1, 1_000_000, "configurations scored by expected improvement"),
            Setting.integer("n_restarts", 2, 1, 100, "starts of the marginal-likelihood optimisation"),
            Setting.real("cost_exponent", 1, 0, 10, "EI per unit cost: EI / cost^cost_exponent, the cost per step"
                    + " predicted from the trials' training times (attribute train_seconds); 0: plain EI"));

    /** @throws SettingException naming the offending key */
    static MobsterSettings parse(Map<String, String> values) {
        return of(SETTINGS.read(values));
    }

    static MobsterSettings of(PluginConfig config) {
        MobsterSettings s = new MobsterSettings(levels(config.text(RESOURCE_LEVELS)), config.real("eta"),
                (int) config.integer("min_points"), config.real("random_fraction"), (int) config.integer("max_points"),
                (int) config.integer(MAX_FIT_POINTS), (int) config.integer("n_candidates"), (int) config.integer("n_restarts"),
                config.real("cost_exponent"));
        if (s.maxFitPoints > s.maxPoints) {
            throw new SettingException(MAX_FIT_POINTS, s.maxFitPoints + " is more than max_points (" + s.maxPoints
                    + "): the fit uses a subset of the posterior's observations");
        }
        return s;
    }

    /** The minimum number of trials at a level, {@code min_points} or its default for {@code space}. */
    int minPoints(SearchSpace space) {
        return minPoints > 0 ? minPoints : Math.max(5, space.parameters().size() + 2);
    }

    private static double[] levels(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("auto")) {
            return null;
        }
        return RungLevels.parse(RESOURCE_LEVELS, t, "auto");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MobsterSettings s && Arrays.equals(s.levels, levels) && s.eta == eta && s.minPoints == minPoints
                && s.randomFraction == randomFraction && s.maxPoints == maxPoints && s.maxFitPoints == maxFitPoints
                && s.candidates == candidates && s.restarts == restarts && s.costExponent == costExponent;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(levels) * 31 + Double.hashCode(eta) + 7 * maxPoints + 13 * maxFitPoints + candidates;
    }

    @Override
    public String toString() {
        return "MobsterSettings[levels=" + (levels == null ? "auto" : Arrays.toString(levels)) + ", eta=" + eta + "]";
    }
}
