package io.hypatia.sampler.mobster.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginConfig;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Settings;
import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.sampler.gp.model.Candidates;
import io.hypatia.sampler.gp.model.GaussianProcess;
import io.hypatia.sampler.gp.model.Hyperparameters;
import io.hypatia.sampler.gp.model.LogEi;
import io.hypatia.sampler.gp.model.MarginalLikelihood;
import io.hypatia.sampler.gp.model.ModelCache;
import io.hypatia.sampler.gp.model.Outputs;
import io.hypatia.sampler.gp.model.SpaceEncoding;
import io.hypatia.sampler.mobster.internal.ResourceData.Point;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;

/**
 * MOBSTER-style model-based asynchronous multi-fidelity search (Klein, Tiao, Lienart, Archambeau
 * and Seeger, "Model-based Asynchronous Hyperparameter and Neural Architecture Search", 2020) as a
 * sampler. The scheduler ({@code asha} with {@code type=promotion} or {@code type=stopping}, or
 * {@code hyperband}) decides budgets, stops and promotions exactly as with random search; this
 * sampler only replaces the uniform draw of a new trial's configuration. Nothing couples the two
 * but the study's reports, which the sampler reads from its context, as BOHB's TPE mode does.
 *
 * <p>For each suggestion:
 * <ol>
 * <li>read the observations (configuration, resource, loss) from the trials' intermediate reports,
 * one per trial and resource level ({@link ResourceData});</li>
 * <li>pick the target level: the highest one that {@code min_points} trials reached (the paper
 * follows BOHB here); until one has, or for a {@code random_fraction} of suggestions, draw
 * uniformly at random;</li>
 * <li>fit a GP with a Matérn-5/2 ARD kernel over the joint input (configuration features, log
 * resource scaled to [0, 1]) to all observations (the paper's joint kernel; at most
 * {@code max_points}, those at and above the target first), hyper-parameters by MAP on a stable
 * subset of at most {@code max_fit_points} settled observations, cached by that subset;</li>
 * <li>fantasise the running trials at the target resource by the posterior mean (kriging believer,
 * as MOBSTER handles pending evaluations), so that parallel workers are sent to different places;</li>
 * <li>return the configuration with the largest expected improvement at the target resource over
 * the best loss observed there, among {@code n_candidates} scrambled-Sobol and local candidates.</li>
 * </ol>
 * Every random choice derives from the study seed and the trial number or from the data, so a
 * suggestion is a function of (seed, trial number, history) whether or not the cache is warm.
 * Acts on the first objective.
 */
@Component(service = Sampler.class, property = {
        PluginProperties.NAME + "=mobster",
        PluginProperties.DESCRIPTION + "=MOBSTER: GP over (config, log resource), EI at the highest level with enough data;"
                + " pair with the asha or hyperband scheduler"})
public class MobsterSampler implements Sampler, Configurable {
    private static final int FIT_ITERATIONS = 40;
    private static final double FANTASY_NOISE = 1e-6;
    private static final int LOCAL_SEEDS = 5;
    /** Nearest observations the cheap variance bound conditions on, and rows scored exactly per screening block. */
    private static final int SCREEN_NEIGHBOURS = 16;
    private static final int SCREEN_BLOCK = 32;
    /** Added to the log EI bounds: far above rounding, far below the gaps that decide. */
    private static final double BOUND_SLACK = 1e-6;

    /** Hyper-parameter fits (keyed by their exact data) and kernel factors; a cache only. */
    private final ModelCache models = new ModelCache();
    /** The trials' feature vectors, per study; a cache only. */
    private final EncodingCache encodings = new EncodingCache();
    /** Each trial's share of the observations, per study; a cache only. */
    private final ShareCache shares = new ShareCache();

    @Override
    public Settings settings() {
        return MobsterSettings.SETTINGS;
    }

    @Override
    public void check(SearchSpace space, PluginConfig config) {
        MobsterSettings.of(config); // resource_levels and max_fit_points <= max_points, naming the key
    }

    @Override
    public Config suggest(SamplerContext context) {
        MobsterSettings settings = MobsterSettings.parse(context.config());
        SplittableRandom random = context.random();
        SearchSpace space = context.space();
        if (context.objectives().isEmpty() || random.split().nextDouble() < settings.randomFraction()) {
            return space.sampleUniform(context.random());
        }
        SpaceEncoding enc = new SpaceEncoding(space);
        Direction direction = context.objectives().get(0).direction();
        ResourceData data = ResourceData.from(context.trials(), encodings.forStudy(context.studyName(), space, enc),
                direction, settings, shares.forStudy(context.studyName(), space, direction, settings));
        int target = data.targetLevel(settings.minPoints(space));
        if (target < 0) {
            return space.sampleUniform(context.random()); // random until a level has enough data
        }
        CostModel cost = settings.costExponent() > 0
                ? CostModel.fit(data.costs, settings.minPoints(space), settings, context.seed(), models) : null;
        double[] best = new JointModel(enc, data, target, settings, context.seed(), models, cost).maximiseEi(random);
        return space.validate(enc.decode(best));
    }

    /** The GP over (configuration, resource) for one suggestion, and EI at the target resource. */
    static final class JointModel {
        private final SpaceEncoding enc;
        private final int d;
        private final GaussianProcess gp;
        private final double incumbent;
        private final double targetCoordinate;
        /** Feature vectors of the best configurations observed at the target level, best first. */
        private final List<double[]> good;
        private final int candidates;
        /** The cost per step model for EI per unit cost, or null for plain EI. */
        private final CostModel cost;
        private final double costExponent;

        JointModel(SpaceEncoding enc, ResourceData data, int target, MobsterSettings settings, long seed, ModelCache cache,
                   CostModel cost) {
            this.enc = enc;
            this.cost = cost;
            this.costExponent = settings.costExponent();
            this.d = enc.dims() + 1;
            this.candidates = settings.candidates();
            List<Point> points = Subsample.posterior(data.points, target, settings.maxPoints());
            int n = points.size();
            double[] x = new double[n * d];
            double[] loss = new double[n];
            for (int i = 0; i < n; i++) {
                Point p = points.get(i);
                System.arraycopy(p.features(), 0, x, i * d, d - 1);
                x[i * d + d - 1] = data.resourceCoordinate(p.step());
                loss[i] = p.loss();
            }
            double[] ys = Outputs.centreOnWorst(Outputs.standardise(loss));
            Hyperparameters h = hyperparameters(Subsample.fit(points, settings.maxFitPoints()), data, settings, seed, cache);
            GaussianProcess posterior = GaussianProcess.condition(x, d, ys, h, cache.factor(x, d, h));

            double targetStep = data.targetStep(target);
            this.targetCoordinate = data.resourceCoordinate(targetStep);
            double inc = Double.POSITIVE_INFINITY;
            List<Integer> atTarget = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Point p = points.get(i);
                if (p.level() == target && p.reached()) {
                    inc = Math.min(inc, ys[i]);
                    atTarget.add(i);
                }
            }
            atTarget.sort(Comparator.comparingDouble(i -> ys[i]));
            this.good = atTarget.stream().limit(LOCAL_SEEDS).map(i -> points.get(i).features()).toList();
            if (!data.pending.isEmpty()) {
                // kriging believer at the target resource
                double[] fx = new double[data.pending.size() * d];
                double[] fy = new double[data.pending.size()];
                for (int i = 0; i < fy.length; i++) {
                    double[] row = joint(data.pending.get(i));
                    System.arraycopy(row, 0, fx, i * d, d);
                    fy[i] = posterior.mean(row);
                }
                posterior = posterior.withObservations(fx, fy, FANTASY_NOISE * h.signalVariance());
                for (double f : fy) {
                    inc = Math.min(inc, f);
                }
            }
            this.gp = posterior;
            this.incumbent = inc;
        }

        /** MAP hyper-parameters on the fit subset, cached by exactly that data; restarts seeded by it. */
        private static Hyperparameters hyperparameters(List<Point> fit, ResourceData data, MobsterSettings settings, long seed,
                                                       ModelCache cache) {
            int d = fit.isEmpty() ? 1 : fit.get(0).features().length + 1;
            double[] fx = new double[fit.size() * d];
            double[] fy = new double[fit.size()];
            for (int i = 0; i < fit.size(); i++) {
                Point p = fit.get(i);
                System.arraycopy(p.features(), 0, fx, i * d, d - 1);
                fx[i * d + d - 1] = data.resourceCoordinate(p.step());
                fy[i] = p.loss();
            }
            return cache.fit(new ModelCache.FitKey(seed, settings.restarts(), settings.maxFitPoints(), -2, fx, fy), () -> {
                long hash = 1125899906842597L;
                for (double v : fx) {
                    hash = 31 * hash + Double.doubleToLongBits(v);
                }
                for (double v : fy) {
                    hash = 31 * hash + Double.doubleToLongBits(v);
                }
                SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ hash);
                return new MarginalLikelihood(fx, d, Outputs.centreOnWorst(Outputs.standardise(fy)))
                        .fit(settings.restarts(), random, FIT_ITERATIONS);
            });
        }

        /** The GP input for configuration features {@code features} at the target resource. */
        double[] joint(double[] features) {
            double[] row = Arrays.copyOf(features, d);
            row[d - 1] = targetCoordinate;
            return row;
        }

        /** The GP inputs of {@code features} (configuration features only) at the target resource, row-major. */
        private double[] rows(List<double[]> features) {
            int m = features.size();
            double[] rows = new double[m * d];
            for (int i = 0; i < m; i++) {
                System.arraycopy(joint(features.get(i)), 0, rows, i * d, d);
            }
            return rows;
        }

        /** log EI at the target resource of each row of {@code features} (configuration features only), all scored exactly. */
        double[] logEi(List<double[]> features) {
            double[] out = new double[features.size()];
            logEiAt(rows(features), java.util.stream.IntStream.range(0, features.size()).toArray(), out);
            return out;
        }

        private double logEi(double mean, double var) {
            double sd = Math.sqrt(var);
            return LogEi.logH((incumbent - mean) / sd) + Math.log(sd);
        }

        /**
         * log EI at the target resource of the rows {@code which} of {@code rows}, into
         * {@code out[which[j]]}: bit for bit what scoring every row would give there.
         */
        private void logEiAt(double[] rows, int[] which, double[] out) {
            double[] mean = new double[which.length];
            double[] var = new double[which.length];
            gp.predictRows(rows, which, mean, var);
            for (int j = 0; j < which.length; j++) {
                out[which[j]] = logEi(mean[j], var[j]);
            }
        }

        /**
         * Upper bounds on log EI at each row: the exact mean and a bound on the variance from the
         * {@value #SCREEN_NEIGHBOURS} nearest observations ({@link GaussianProcess#predictBounds});
         * EI grows with the standard deviation, and a small slack covers rounding.
         */
        private double[] logEiBounds(double[] rows) {
            int m = rows.length / d;
            double[] mean = new double[m];
            double[] var = new double[m];
            gp.predictBounds(rows, SCREEN_NEIGHBOURS, mean, var);
            double[] out = new double[m];
            for (int i = 0; i < m; i++) {
                out[i] = logEi(mean[i], var[i]) + BOUND_SLACK;
            }
            return out;
        }

        /** What EI per unit cost subtracts from log EI at each configuration: cost_exponent times its log cost per step; zeros for plain EI. */
        private double[] penalty(List<double[]> features) {
            if (cost == null) {
                return new double[features.size()];
            }
            double[] c = cost.logCost(features);
            for (int i = 0; i < c.length; i++) {
                c[i] *= costExponent;
            }
            return c;
        }

        /**
         * The acquisition (log EI minus {@code penalty}) of each row where it can decide the
         * {@code k} best (ties to the lower index); NaN where it cannot. Rows are scored exactly in blocks, in decreasing order of their bound,
         * until the next bound is below the k-th best exact score: a row never scored lies below
         * it, so the k best and their order are those of scoring every row. Scoring is O(n^2) per
         * row against O(n d) for the bound, and most rows are settled by the bound.
         */
        private double[] screenedAcquisition(double[] rows, double[] penalty, int k) {
            int m = rows.length / d;
            double[] bound = logEiBounds(rows);
            for (int i = 0; i < m; i++) {
                bound[i] -= penalty[i]; // the penalty is exact, so this stays an upper bound
            }
            Integer[] byBound = new Integer[m];
            for (int i = 0; i < m; i++) {
                byBound[i] = i;
            }
            // NaN bounds first: such rows are always scored
            Arrays.sort(byBound, Comparator.<Integer>comparingDouble(i -> Double.isNaN(bound[i]) ? Double.NEGATIVE_INFINITY : -bound[i])
                    .thenComparingInt(i -> i));
            double[] score = new double[m];
            Arrays.fill(score, Double.NaN);
            double[] best = new double[0]; // exact scores so far, descending
            int next = 0;
            while (next < m) {
                int block = Math.min(next == 0 ? SCREEN_BLOCK : Math.max(SCREEN_BLOCK, next), m - next);
                int[] which = new int[block];
                for (int b = 0; b < block; b++) {
                    which[b] = byBound[next + b];
                }
                logEiAt(rows, which, score);
                for (int w : which) {
                    score[w] -= penalty[w];
                }
                next += block;
                best = Arrays.stream(score).filter(v -> !Double.isNaN(v)).map(v -> -v).sorted().map(v -> -v).toArray();
                if (next < m && best.length >= k && bound[byBound[next]] < best[k - 1]) {
                    break;
                }
            }
            return score;
        }

        /**
         * The configuration features with the largest acquisition (EI, or EI per unit cost) among
         * {@code n_candidates}: three quarters
         * scrambled Sobol points of the per-parameter unit cube, one quarter Gaussian steps around the
         * best configurations at the target level; then one round of smaller steps around the five
         * best candidates.
         */
        double[] maximiseEi(SplittableRandom random) {
            List<double[]> seeds = good.stream().map(f -> enc.toUnitCube(enc.decode(f))).toList();
            List<double[]> cands = Candidates.sobolAndLocal(enc, candidates, seeds, random);
            double[] candRows = rows(cands);
            // NaN: not among the best, sorts last
            double[] scores = screenedAcquisition(candRows, penalty(cands), LOCAL_SEEDS);
            Integer[] order = new Integer[cands.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
            double[] best = cands.get(order[0]);
            double bestScore = scores[order[0]];
            List<double[]> refine = new ArrayList<>();
            for (int r = 0; r < Math.min(LOCAL_SEEDS, order.length); r++) {
                double[] u = enc.toUnitCube(enc.decode(cands.get(order[r])));
                for (int k = 0; k < 8; k++) {
                    refine.add(Candidates.perturb(enc, u, 0.01, random));
                }
            }
            // Only a refinement whose bound beats the best so far can replace it: score just those.
            double[] refineRows = rows(refine);
            double[] refinePenalty = penalty(refine);
            double[] refineBound = logEiBounds(refineRows);
            double toBeat = bestScore;
            int[] contenders = java.util.stream.IntStream.range(0, refine.size())
                    .filter(i -> !(refineBound[i] - refinePenalty[i] <= toBeat)).toArray();
            double[] refined = new double[refine.size()];
            Arrays.fill(refined, Double.NaN);
            logEiAt(refineRows, contenders, refined);
            for (int i : contenders) {
                refined[i] -= refinePenalty[i];
            }
            for (int i = 0; i < refined.length; i++) {
                if (refined[i] > bestScore) {
                    bestScore = refined[i];
                    best = refine.get(i);
                }
            }
            return best;
        }
    }
}
