package io.hypatia.sampler.gp.internal;

import io.hypatia.api.PluginConfig;
import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import io.hypatia.sampler.gp.model.MarginalLikelihood;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sampler's configuration keys (all optional), declared in {@link #SETTINGS}.
 *
 * @param startupTrials   {@code n_startup_trials} (default 10): completed trials sampled uniformly at random
 *                        before the GP takes over
 * @param candidates      {@code n_candidates} (default 2000): acquisition evaluations on scrambled-Sobol and
 *                        local-perturbation candidates before the gradient refinement
 * @param restarts        {@code n_restarts} (default 3): starts of the marginal-likelihood optimisation
 * @param liar            {@code liar} (default believer): what pending (RUNNING, WAITING, PAUSED) trials are
 *                        assumed to return: {@code believer} (posterior mean), {@code min} (best loss
 *                        observed), {@code none} (ignored)
 * @param maxFitPoints    {@code max_fit_points} (default 200): at most this many observations enter the
 *                        hyper-parameter fit (the best half and the most recent others); the posterior
 *                        always uses all of them
 * @param localStarts     {@code n_local_starts} (default 5): best candidates refined by L-BFGS
 * @param warpOutputs     {@code output_warping} (default yeo-johnson): fit the objective's GP to the losses after
 *                        a maximum-likelihood Yeo-Johnson power transform ({@link YeoJohnson}); {@code none}
 *                        fits it to the standardised losses
 * @param noiseFloor      {@code noise_floor} (default 1e-10): lower bound of the fitted noise variance of the
 *                        standardised (warped) outputs; on a noise-free objective the fit sits at this bound,
 *                        which limits how finely the model resolves losses near the optimum: at the fitting
 *                        library's 1e-6 the GP stalled on Branin at a regret of about 1e-6 (docs/bench/SAMPLERS.md,
 *                        "Seventh round" and "Eighth round")
 */
record GpSettings(int startupTrials, int candidates, int restarts, Liar liar, int maxFitPoints, int localStarts,
                  boolean warpOutputs, double noiseFloor) {

    enum Liar {
        BELIEVER, MIN, NONE
    }

    /**
     * Lower than {@link MarginalLikelihood#MIN_NOISE} (which MOBSTER keeps: its LCBench judging ran with it): many
     * objectives are deterministic, and a floor of 1e-6 of the standardised losses hid the differences near the
     * optimum from the model.
     */
    static final double NOISE_FLOOR = 1e-10;

    static final GpSettings DEFAULTS = new GpSettings(10, 2000, 3, Liar.BELIEVER, 200, 5, true, NOISE_FLOOR);

    static final Settings SETTINGS = Settings.of(
            Setting.integer("n_startup_trials", DEFAULTS.startupTrials, 0, 1_000_000, "completed trials sampled uniformly at random before the GP takes over"),
            Setting.integer("n_candidates", DEFAULTS.candidates, 1, 1_000_000, "acquisition evaluations before the gradient refinement"),
            Setting.integer("n_restarts", DEFAULTS.restarts, 1, 100, "starts of the marginal-likelihood optimisation"),
            Setting.choice("liar", "believer", List.of("believer", "min", "none"), "value assumed for pending trials"),
            Setting.integer("max_fit_points", DEFAULTS.maxFitPoints, 10, 100_000, "observations entering the hyper-parameter fit"),
            Setting.integer("n_local_starts", DEFAULTS.localStarts, 0, 1000, "best candidates refined by L-BFGS"),
            Setting.choice("output_warping", "yeo-johnson", List.of("none", "yeo-johnson"), "transform of the losses before the objective's GP fit"),
            Setting.real("noise_floor", DEFAULTS.noiseFloor, 1e-12, 1e-2, "lower bound of the fitted noise variance of the standardised outputs"));

    /** @throws io.hypatia.api.SettingException naming the offending key */
    static GpSettings parse(Map<String, String> values) {
        PluginConfig config = SETTINGS.read(values);
        return new GpSettings(
                (int) config.integer("n_startup_trials"),
                (int) config.integer("n_candidates"),
                (int) config.integer("n_restarts"),
                Liar.valueOf(config.choice("liar").toUpperCase(Locale.ROOT)),
                (int) config.integer("max_fit_points"),
                (int) config.integer("n_local_starts"),
                config.choice("output_warping").equals("yeo-johnson"),
                config.real("noise_floor"));
    }
}
