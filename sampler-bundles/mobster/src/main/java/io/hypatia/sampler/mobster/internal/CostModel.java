package io.hypatia.sampler.mobster.internal;

import io.hypatia.sampler.gp.model.GaussianProcess;
import io.hypatia.sampler.gp.model.Hyperparameters;
import io.hypatia.sampler.gp.model.MarginalLikelihood;
import io.hypatia.sampler.gp.model.ModelCache;
import io.hypatia.sampler.gp.model.Outputs;
import io.hypatia.sampler.mobster.internal.ResourceData.Cost;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a configuration costs per unit of resource, for EI per unit cost (Snoek, Larochelle and
 * Adams, "Practical Bayesian Optimization of Machine Learning Algorithms", 2012, section 3.2): a GP
 * over the configuration features of the log training seconds per step of the trials so far
 * (their {@code train_seconds} attribute, which the engine measures). Without it EI at a rung
 * prefers configurations that learn fast per step, which are often the expensive ones (wider
 * networks), and the study trains fewer steps in the same time.
 *
 * <p>At most {@code max_fit_points} trials, a stable sample (bottom-k by a hash of the trial
 * number), for both the fit and the posterior: costs are smooth in the configuration and need
 * far fewer points than the loss.
 */
final class CostModel {
    private static final int FIT_ITERATIONS = 40;
    /** Spread of the log costs (about a relative spread) below which they are taken as equal (no cost model). */
    private static final double MIN_SPREAD = 1e-3;

    private final GaussianProcess gp;
    private final double sd;
    private final int d;

    private CostModel(GaussianProcess gp, double sd, int d) {
        this.gp = gp;
        this.sd = sd;
        this.d = d;
    }

    /** The model of {@code costs}, or null when fewer than {@code minPoints} trials have a cost or all cost the same. */
    static CostModel fit(List<Cost> costs, int minPoints, MobsterSettings settings, long seed, ModelCache cache) {
        if (costs.size() < Math.max(2, minPoints)) {
            return null;
        }
        List<Cost> use = costs;
        if (use.size() > settings.maxFitPoints()) {
            use = Subsample.smallest(costs, c -> Subsample.hash(c.number(), -1), settings.maxFitPoints());
            use.sort((a, b) -> Integer.compare(a.number(), b.number()));
        }
        int n = use.size();
        int d = use.get(0).features().length;
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(use.get(i).features(), 0, x, i * d, d);
            y[i] = use.get(i).logSecondsPerStep();
        }
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : y) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (!(hi - lo > MIN_SPREAD)) {
            return null; // every trial costs the same per step: plain EI
        }
        double sd = Outputs.sd(y, Outputs.mean(y));
        double[] ys = Outputs.standardise(y);
        Hyperparameters h = cache.fit(new ModelCache.FitKey(seed, settings.restarts(), settings.maxFitPoints(), -3, x, y), () -> {
            long hash = 0x51ED27A3C2B4F1E7L;
            for (double v : y) {
                hash = 31 * hash + Double.doubleToLongBits(v);
            }
            return new MarginalLikelihood(x, d, ys).fit(settings.restarts(), new SplittableRandom(seed ^ hash), FIT_ITERATIONS);
        });
        return new CostModel(GaussianProcess.condition(x, d, ys, h), sd, d);
    }

    /** The predicted log seconds per step of each configuration (features), up to a common constant. */
    double[] logCost(List<double[]> features) {
        int m = features.size();
        double[] rows = new double[m * d];
        for (int i = 0; i < m; i++) {
            System.arraycopy(features.get(i), 0, rows, i * d, d);
        }
        double[] mean = new double[m];
        gp.predictMeans(rows, mean);
        for (int i = 0; i < m; i++) {
            mean[i] *= sd;
        }
        return mean;
    }
}
