package io.hypatia.sampler.tpe.internal;

import io.hypatia.api.PluginConfig;
import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import java.util.List;
import java.util.Map;

/**
 * The sampler's configuration keys (all optional, given as strings), declared in {@link #SETTINGS}.
 *
 * @param multivariate      {@code multivariate} (default true): one joint Parzen estimator per group of
 *                          parameters that are always active together, instead of one per parameter
 * @param startupTrials     {@code n_startup_trials} (default 10): finished trials (COMPLETE, PRUNED or
 *                          PAUSED) sampled uniformly at random before the estimators take over
 * @param eiCandidates      {@code n_ei_candidates} (default 24): draws from the good density per
 *                          estimator, of which the one with the largest l(x)/g(x) is kept
 * @param gamma             {@code gamma} (default 0.1): the good set holds ceil(gamma * n) of the n
 *                          finished trials ...
 * @param gammaCap          {@code gamma_cap} (default 25): ... but at most this many
 * @param constantLiar      {@code constant_liar} (default true): pending (RUNNING, WAITING) trials join
 *                          the bad set as if they had returned the worst value
 * @param priorWeight       {@code prior_weight} (default 1.0): weight of the prior component (a wide
 *                          Gaussian / uniform categorical) relative to one observation
 * @param magicClip         {@code consider_magic_clip} (default true): bandwidths are at least
 *                          1 / min(100, N + 1) of the range, N the observations in that estimator
 * @param forgetOld         {@code forget_old} ({@code auto} by default: on when univariate, off when
 *                          multivariate): in each density, observations older than the newest
 *                          {@value GoodBadSplit#RECENT_FULL_WEIGHT} weigh less, linearly down to 1/N
 *                          for the oldest ({@link GoodBadSplit#recencyWeights}); with the default
 *                          gamma cap only the bad set is affected
 * @param bandwidthWeights  {@code bandwidth_weights} ({@code auto} by default: on when univariate, off
 *                          when multivariate): l(x) and g(x) weigh each observation kernel in
 *                          proportion to its bandwidth, the prior keeping its share
 *                          ({@link ParzenEstimator#weighByBandwidth}); candidates are still drawn
 *                          with the plain weights. Both univariate defaults measured in
 *                          docs/bench/SAMPLERS.md, "Eighth round"
 */
record TpeSettings(boolean multivariate, int startupTrials, int eiCandidates, double gamma, int gammaCap,
                   boolean constantLiar, double priorWeight, boolean magicClip, boolean forgetOld,
                   boolean bandwidthWeights) {

    static final String MULTIVARIATE = "multivariate";
    static final String N_STARTUP_TRIALS = "n_startup_trials";
    static final String N_EI_CANDIDATES = "n_ei_candidates";
    static final String GAMMA = "gamma";
    static final String GAMMA_CAP = "gamma_cap";
    static final String CONSTANT_LIAR = "constant_liar";
    static final String PRIOR_WEIGHT = "prior_weight";
    static final String CONSIDER_MAGIC_CLIP = "consider_magic_clip";
    static final String FORGET_OLD = "forget_old";
    static final String BANDWIDTH_WEIGHTS = "bandwidth_weights";

    static final TpeSettings DEFAULTS = new TpeSettings(true, 10, 24, 0.1, 25, true, 1.0, true, false, false);

    static final Settings SETTINGS = Settings.of(
            Setting.bool(MULTIVARIATE, DEFAULTS.multivariate, "one joint Parzen estimator per group of parameters always active together"),
            Setting.integer(N_STARTUP_TRIALS, DEFAULTS.startupTrials, 0, 1_000_000, "finished trials sampled uniformly at random before TPE takes over"),
            Setting.integer(N_EI_CANDIDATES, DEFAULTS.eiCandidates, 1, 100_000, "draws from the good density per estimator; the best l/g ratio is kept"),
            Setting.real(GAMMA, DEFAULTS.gamma, Double.MIN_VALUE, 1.0, "fraction of finished trials in the good set"),
            Setting.integer(GAMMA_CAP, DEFAULTS.gammaCap, 1, 1_000_000, "largest size of the good set"),
            Setting.bool(CONSTANT_LIAR, DEFAULTS.constantLiar, "pending trials join the bad set as if they returned the worst value"),
            Setting.real(PRIOR_WEIGHT, DEFAULTS.priorWeight, Double.MIN_VALUE, 1e6, "weight of the prior component relative to one observation"),
            Setting.bool(CONSIDER_MAGIC_CLIP, DEFAULTS.magicClip, "bandwidths at least 1/min(100, N+1) of the range"),
            Setting.choice(FORGET_OLD, "auto", List.of("auto", "true", "false"),
                    "observations older than the newest 25 of a density weigh less, linearly down to 1/N;"
                            + " auto: on when univariate, off when multivariate"),
            Setting.choice(BANDWIDTH_WEIGHTS, "auto", List.of("auto", "true", "false"),
                    "in l(x) and g(x) each observation kernel weighs in proportion to its bandwidth;"
                            + " auto: on when univariate, off when multivariate"),
            FidelityRungs.FIDELITY_RUNGS_SETTING, FidelityRungs.RANDOM_FRACTION_SETTING);

    /** @throws io.hypatia.api.SettingException naming the offending key */
    static TpeSettings parse(Map<String, String> values) {
        PluginConfig config = SETTINGS.read(values);
        boolean multivariate = config.bool(MULTIVARIATE);
        String forgetOld = config.choice(FORGET_OLD);
        String bandwidthWeights = config.choice(BANDWIDTH_WEIGHTS);
        return new TpeSettings(
                multivariate,
                (int) config.integer(N_STARTUP_TRIALS),
                (int) config.integer(N_EI_CANDIDATES),
                config.real(GAMMA),
                (int) config.integer(GAMMA_CAP),
                config.bool(CONSTANT_LIAR),
                config.real(PRIOR_WEIGHT),
                config.bool(CONSIDER_MAGIC_CLIP),
                forgetOld.equals("auto") ? !multivariate : Boolean.parseBoolean(forgetOld),
                bandwidthWeights.equals("auto") ? !multivariate : Boolean.parseBoolean(bandwidthWeights));
    }

    /** Size of the good set among {@code n} finished trials: min(ceil(gamma n), gamma_cap, n). */
    int goodCount(int n) {
        // The small epsilon keeps ceil(0.1 * 30) at 3 despite 0.1 * 30 = 3.0000000000000004.
        int k = (int) Math.ceil(gamma * n - 1e-9);
        return Math.max(0, Math.min(n, Math.min(gammaCap, k)));
    }
}
