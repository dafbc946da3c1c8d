package io.hypatia.sampler.tpe.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginConfig;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Settings;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;

/**
 * Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio and Kegl 2011), with the component
 * choices Watanabe (2023) found to work well, and MOTPE (Ozaki et al. 2020/2022) for several
 * objectives.
 *
 * <p>Each call rebuilds everything from the context: the history is split into a good set and a
 * bad set ({@link GoodBadSplit}); for every group of parameters ({@link GroupDecomposition} when
 * multivariate, one parameter per group otherwise) a good density l(x) and a bad density g(x) are
 * fitted ({@link ParzenEstimator}); {@code n_ei_candidates} points are drawn from l and the one
 * maximising l(x)/g(x), which maximises expected improvement under the TPE model, is kept. Only
 * the group's members active in a trial feed its estimators. Until {@code n_startup_trials}
 * trials have finished, suggestions are uniform random. The random stream depends only on the
 * study seed and the trial number, so a fixed seed and history give a fixed suggestion.
 *
 * <p>Kernel bandwidths, the categorical kernel, the prior and the "magic clip" are described in
 * {@link ParzenEstimator}; the good/bad split (gamma, constraints, pending trials, MOTPE) in
 * {@link GoodBadSplit}; the settings in {@link TpeSettings}.
 */
@Component(service = Sampler.class, property = {
        PluginProperties.NAME + "=tpe",
        PluginProperties.DESCRIPTION + "=Tree-structured Parzen Estimator: univariate or multivariate, conditional"
                + " spaces, constant liar, constraints, multi-objective (MOTPE)"})
public class TpeSampler implements Sampler, Configurable {

    @Override
    public Settings settings() {
        return TpeSettings.SETTINGS;
    }

    @Override
    public Config suggest(SamplerContext context) {
        TpeSettings settings = TpeSettings.parse(context.config());
        // split(): SamplerContext.random() seeds with seed * 0x9E3779B97F4A7C15, which is also
        // SplittableRandom's own increment, so studies with seeds s and s + 1 would otherwise draw
        // the same stream shifted by one value and make near-identical suggestions.
        SplittableRandom random = context.random().split();
        SamplerContext atBudget = bohbView(context, settings);
        if (atBudget == null) {
            return context.space().sampleUniform(random);
        }
        context = atBudget;
        SpaceCoding coding = new SpaceCoding(context.space());
        History history = History.of(context, coding, settings.constantLiar());
        if (history.finished() < settings.startupTrials() || context.objectives().isEmpty()) {
            return context.space().sampleUniform(random);
        }
        GoodBadSplit split = GoodBadSplit.of(history, settings);
        int[][] groups = settings.multivariate() ? GroupDecomposition.of(coding, history)
                : GroupDecomposition.singletons(coding.dimension());

        double[] chosen = new double[coding.dimension()];
        double[] scratch = new double[Math.max(split.good().length, split.bad().length)];
        int candidates = settings.eiCandidates();
        for (int[] group : groups) {
            int[] goodIndex = activeIn(group, split.good(), history);
            int[] badMembers = activeIn(group, split.bad(), history);
            int[] goodMembers = new int[goodIndex.length];
            double[] goodWeights = split.goodWeights() == null ? null : new double[goodIndex.length];
            for (int i = 0; i < goodIndex.length; i++) {
                goodMembers[i] = split.good()[goodIndex[i]];
                if (goodWeights != null) {
                    goodWeights[i] = split.goodWeights()[goodIndex[i]];
                }
            }
            for (int i = 0; i < badMembers.length; i++) {
                badMembers[i] = split.bad()[badMembers[i]];
            }
            double[] badWeights = null;
            if (settings.forgetOld()) {
                badWeights = GoodBadSplit.recencyWeights(badMembers, history);
                double[] recency = GoodBadSplit.recencyWeights(goodMembers, history);
                if (goodWeights == null) {
                    goodWeights = recency;
                } else {
                    for (int i = 0; i < goodWeights.length; i++) {
                        goodWeights[i] *= recency[i];
                    }
                }
            }
            boolean joint = settings.multivariate();
            // Univariate: adaptive per-kernel bandwidths, magic clip counting the prior kernel, no cap on g's;
            // by default also old observations forgotten and kernels weighted by bandwidth (TpeSettings).
            int priorKernel = joint ? 0 : 1;
            ParzenEstimator goodDensity = new ParzenEstimator(coding, group, history, goodMembers, goodWeights,
                    settings.priorWeight(), ParzenEstimator.minBandwidth(goodMembers.length + priorKernel, joint, settings.magicClip()),
                    null, !joint, settings.bandwidthWeights());
            ParzenEstimator badDensity = new ParzenEstimator(coding, group, history, badMembers, badWeights,
                    settings.priorWeight(), ParzenEstimator.minBandwidth(badMembers.length + priorKernel, joint, settings.magicClip()),
                    joint ? goodDensity.bandwidths() : null, !joint, settings.bandwidthWeights());
            double[][] points = goodDensity.sample(random, candidates);
            double[] logL = goodDensity.logDensity(points, candidates, scratch);
            double[] logG = badDensity.logDensity(points, candidates, scratch);
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < candidates; k++) {
                double score = logL[k] - logG[k];
                if (score > bestScore) {
                    bestScore = score;
                    best = k;
                }
            }
            for (int j = 0; j < group.length; j++) {
                chosen[group[j]] = points[j][best];
            }
        }
        return coding.decode(chosen);
    }

    /**
     * BOHB mode ({@link FidelityRungs}, setting {@code fidelity_rungs}): the history seen at the
     * largest budget with enough observations; null when this suggestion is one of BOHB's random
     * fraction. Without the setting the context is returned as it is.
     */
    private static SamplerContext bohbView(SamplerContext context, TpeSettings settings) {
        PluginConfig config = TpeSettings.SETTINGS.read(context.config());
        FidelityRungs rungs = FidelityRungs.parse(config);
        if (rungs == null || context.objectives().isEmpty()) {
            return context;
        }
        if (context.random().split().split().nextDouble() < config.real(FidelityRungs.RANDOM_FRACTION)) {
            return null;
        }
        // BOHB builds a model once it has d + 2 points at a budget; TPE's own start-up count also applies
        int minPoints = Math.max(settings.startupTrials(), context.space().parameters().size() + 2);
        double budget = rungs.budget(context.trials(), minPoints);
        return Double.isNaN(budget) ? context : FidelityRungs.view(context, budget);
    }

    /** Positions in {@code observations} of those where every parameter of {@code group} is active. */
    private static int[] activeIn(int[] group, int[] observations, History history) {
        int[] out = new int[observations.length];
        int count = 0;
        for (int i = 0; i < observations.length; i++) {
            int o = observations[i];
            boolean active = true;
            for (int d : group) {
                if (Double.isNaN(history.x[d][o])) {
                    active = false;
                    break;
                }
            }
            if (active) {
                out[count++] = i;
            }
        }
        return count == out.length ? out : java.util.Arrays.copyOf(out, count);
    }
}
