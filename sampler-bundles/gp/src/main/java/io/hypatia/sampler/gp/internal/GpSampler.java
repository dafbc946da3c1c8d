package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.Cholesky;
import io.hypatia.sampler.gp.model.GaussianProcess;
import io.hypatia.sampler.gp.model.MarginalLikelihood;
import io.hypatia.sampler.gp.model.ModelCache;
import io.hypatia.sampler.gp.model.SpaceEncoding;
import io.hypatia.api.Configurable;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Settings;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.osgi.service.component.annotations.Component;

/**
 * Gaussian-process Bayesian optimisation (Snoek, Larochelle and Adams 2012, "Practical Bayesian
 * Optimization of Machine Learning Algorithms"), rebuilt from the trial history on every call:
 * <ol>
 * <li>fewer than {@code n_startup_trials} completed trials: uniform random, exactly as the
 * {@code random} sampler;</li>
 * <li>encode the history ({@link SpaceEncoding}: unit cube, log parameters in log space,
 * categoricals one-hot, inactive conditionals at a fixed value) and standardise the losses;</li>
 * <li>fit a Matérn-5/2 ARD GP with MAP hyper-parameters ({@link MarginalLikelihood}), and one GP
 * per constraint ({@link Surrogates}); cached by the exact data, so repeated asks with the same
 * completed trials (a parallel batch) skip the fit;</li>
 * <li>add pending trials as fantasised observations: kriging believer (the posterior mean), or
 * constant liar "min" (the best loss seen) (Ginsbourger, Le Riche and Carraro 2010), so that
 * parallel workers are sent to different places;</li>
 * <li>maximise log EI × probability of feasibility ({@link Acquisition},
 * {@link AcquisitionOptimizer}) and decode the winner, rounding ints and ordinals.</li>
 * </ol>
 * Every random choice derives from the study seed and the trial number, or from the seed and
 * the data, so a suggestion is a function of (seed, trial number, history) whether or not the
 * cache is warm.
 */
@Component(service = Sampler.class, property = {
        PluginProperties.NAME + "=gp",
        PluginProperties.DESCRIPTION + "=Gaussian-process BO (Matern-5/2 ARD, log EI x P(feasible), kriging believer)"})
public class GpSampler implements Sampler, Configurable {

    @Override
    public Settings settings() {
        return GpSettings.SETTINGS;
    }
    private static final int CACHE_ENTRIES = 4;
    private static final int SEED_CONFIGS = 5;
    /** Noise variance of fantasised observations, relative to the signal variance (see GaussianProcess#withObservations). */
    private static final double FANTASY_NOISE = 1e-6;

    /** Hyper-parameter fits and Cholesky factors that later asks extend. */
    private final ModelCache models = new ModelCache();
    private final Map<CacheKey, Surrogates> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CacheKey, Surrogates> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    @Override
    public Config suggest(SamplerContext context) {
        GpSettings settings = GpSettings.parse(context.config());
        SpaceEncoding enc = new SpaceEncoding(context.space());
        SplittableRandom random = context.random();
        Observations obs = Observations.from(context, enc, random);
        if (obs.n < Math.max(1, settings.startupTrials())) {
            return context.space().sampleUniform(context.random());
        }
        Surrogates models = surrogates(obs, settings, context.seed());

        GaussianProcess objective = models.objective;
        Double incumbent = models.incumbent;
        List<Acquisition.Constraint> constraints = new ArrayList<>();
        boolean fantasise = settings.liar() != GpSettings.Liar.NONE && obs.pendingCount > 0;
        boolean[] believedFeasible = new boolean[obs.pendingCount];
        Arrays.fill(believedFeasible, true);
        for (Surrogates.ConstraintModel c : models.constraints) {
            GaussianProcess gp = c.gp();
            if (fantasise) {
                // Constraints always use the believer: a "lie" about feasibility has no natural value.
                double[] believed = new double[obs.pendingCount];
                for (int i = 0; i < believed.length; i++) {
                    believed[i] = gp.mean(row(obs.pending, obs.d, i));
                    believedFeasible[i] &= believed[i] <= c.threshold();
                }
                gp = gp.withObservations(obs.pending, believed, FANTASY_NOISE * gp.hyper.signalVariance());
            }
            constraints.add(new Acquisition.Constraint(gp, c.threshold()));
        }
        if (fantasise) {
            double[] fantasy = new double[obs.pendingCount];
            double min = Arrays.stream(models.standardisedLoss).min().orElse(0);
            for (int i = 0; i < fantasy.length; i++) {
                fantasy[i] = settings.liar() == GpSettings.Liar.MIN ? min : objective.mean(row(obs.pending, obs.d, i));
                // Fantasies are treated as data, so a believed feasible improvement raises the bar too.
                if (believedFeasible[i] && (incumbent == null || fantasy[i] < incumbent)) {
                    incumbent = fantasy[i];
                }
            }
            objective = objective.withObservations(obs.pending, fantasy, FANTASY_NOISE * objective.hyper.signalVariance());
        }
        Acquisition acq = new Acquisition(objective, incumbent, constraints);

        // Good observed configurations seed the local candidates: feasible first, then by loss.
        List<double[]> seeds = IntStream.range(0, obs.n).boxed()
                .sorted(Comparator.<Integer, Boolean>comparing(i -> !obs.feasible[i])
                        .thenComparingDouble(i -> obs.loss[i]).thenComparingInt(i -> i))
                .limit(SEED_CONFIGS)
                .map(i -> enc.toUnitCube(obs.configs.get(i)))
                .toList();
        double[] best = AcquisitionOptimizer.maximise(acq, enc, settings, random, seeds);
        return context.space().validate(enc.decode(best));
    }

    private Surrogates surrogates(Observations obs, GpSettings settings, long seed) {
        CacheKey key = new CacheKey(seed, settings, obs);
        synchronized (cache) {
            Surrogates s = cache.get(key);
            if (s != null) {
                return s;
            }
        }
        Surrogates s = Surrogates.fit(obs, settings, seed, models);
        synchronized (cache) {
            cache.put(key, s);
        }
        return s;
    }

    private static double[] row(double[] x, int d, int i) {
        return Arrays.copyOfRange(x, i * d, (i + 1) * d);
    }

    /** The exact data a {@link Surrogates} fit depends on. */
    private static final class CacheKey {
        private final long seed;
        private final int restarts;
        private final int maxFit;
        private final boolean warp;
        private final double[] x;
        private final double[] loss;
        private final double[][] constraints;
        private final boolean[] feasible;
        private final int hash;

        CacheKey(long seed, GpSettings settings, Observations obs) {
            this.seed = seed;
            this.restarts = settings.restarts();
            this.maxFit = settings.maxFitPoints();
            this.warp = settings.warpOutputs();
            this.x = obs.x;
            this.loss = obs.loss;
            this.constraints = obs.constraints;
            this.feasible = obs.feasible;
            this.hash = ((Long.hashCode(seed) * 31 + restarts) * 31 + maxFit) * 31
                    + Arrays.hashCode(x) * 17 + Arrays.hashCode(loss) + Arrays.deepHashCode(constraints);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CacheKey k && k.hash == hash && k.seed == seed && k.restarts == restarts
                    && k.maxFit == maxFit && k.warp == warp && Arrays.equals(k.x, x) && Arrays.equals(k.loss, loss)
                    && Arrays.deepEquals(k.constraints, constraints) && Arrays.equals(k.feasible, feasible);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
