package io.hypatia.benchmark.synthetic.internal;

import io.hypatia.api.benchmark.Evaluation;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * A family of synthetic learning curves: the configuration is the box of a textbook function
 * (x1..xd) plus a network {@code width}, and the fidelity is the number of training epochs r in
 * [1, 100]. The loss after r epochs is
 *
 * <pre>
 *   loss(x, w, r)     = final(x) + (1 - final(x)) * progress(r, rate(x, w)) + noise
 *   final(x)          = 0.05 + 0.85 * b / (b + 1),   b = badness(f(x)) >= 0, 0 exactly at min f
 *   progress(r, rate) = ((1 + r)^-rate - 101^-rate) / (1 - 101^-rate)
 *   rate(x, w)        = 0.6 * exp(spread * (2 u - 1) + spread/2 * (2 v - 1) + plateau * (2 q - 1))
 * </pre>
 *
 * Every run starts from loss 1 (chance) at r = 0 and decays as a power law that is normalised to
 * reach {@code final(x)} exactly at the last epoch, so the loss at the full budget is the final
 * loss without any leftover of the curve; {@link #optimalValue()} is 0.05, reached at the
 * textbook function's minimisers. The badness is an increasing rescaling of f, chosen per
 * function (see the factories) so that it is 1, and the final loss the middle value 0.475, for
 * about the median configuration of the box.
 *
 * <p>The rate makes curves cross. u, x1 rescaled to [0, 1], plays a learning rate (a high one
 * learns fast); v, the width rescaled to [0, 1] on a log scale, makes wider networks learn faster
 * per epoch; and q = b / (b + 1), the final loss rescaled to [0, 1), makes configurations that
 * end worse level off sooner, as under-fitting models do. So a config with a poor final loss is
 * often ahead early on of one with a good final loss, low-fidelity rankings are informative but
 * wrong for a known share of pairs, and multi-fidelity methods are lured towards fast learners
 * and wide, expensive networks. Each family's {@code spread} and {@code plateau} are set so that,
 * for uniformly drawn configurations, about a third of the pairs are ordered differently after 1
 * epoch than after 100 (Kendall's tau between the two about 0.3), about a tenth after 10 epochs
 * (tau about 0.8), and about a fifth of the best tenth after 1 epoch end in the worse half;
 * {@code LearningCurvesTest} pins these ranges.
 *
 * <p>Noise: Gaussian with standard deviation {@code 0.05 / sqrt(r)}, half of its variance shared
 * by all epochs of one (config, seed) run and half drawn per epoch, all from a stream keyed by
 * the evaluation seed and the configuration, so an evaluation is reproducible.
 *
 * <p>Cost ({@link Evaluation#cost()}): simulated seconds to train from scratch up to r epochs,
 * {@code r * width / 32}, so 0.5 s per epoch at width 16 up to 16 s at width 512. It is linear in
 * r: resuming a checkpoint from r1 to r2 costs {@code cost(r2) - cost(r1)}.
 *
 * <p>A per-run variant ({@link #instance}) uses the per-run variant of the textbook function: its
 * minimisers move inside the box, the optimal value stays 0.05.
 */
final class LearningCurves implements OfferedBenchmark {
    static final Fidelity EPOCHS = new Fidelity("epoch", 1, 100);
    static final List<Objective> OBJECTIVES = List.of(new Objective("loss", Direction.MINIMIZE));
    /** Loss of an untrained network (r = 0), the same for every configuration. */
    static final double START_LOSS = 1.0;
    static final double FINAL_LOSS_FLOOR = 0.05;
    static final double FINAL_LOSS_SPAN = 0.85;
    static final double MEDIAN_RATE = 0.6;
    static final double NOISE_AT_FIRST_EPOCH = 0.05;
    static final String WIDTH = "width";
    static final long MIN_WIDTH = 16;
    static final long MAX_WIDTH = 512;
    /** Cost: one simulated second per epoch for each 32 units of width. */
    static final double WIDTH_PER_SECOND_PER_EPOCH = 32;

    private final String name;
    private final String description;
    private final BoxFunction textbook;
    private final DoubleUnaryOperator badness;
    private final double spread;
    private final double plateau;
    private final SearchSpace space;

    /**
     * @param function the textbook function that sets the final loss; its x1 plays the learning rate
     * @param badness  an increasing map of the function's value to [0, inf), 0 at its minimum
     * @param spread   how far (in log) the rate moves with the learning rate; half as far with the width
     * @param plateau  how far (in log) the rate grows with the final loss
     */
    LearningCurves(String name, BoxFunction function, DoubleUnaryOperator badness, double spread, double plateau) {
        this.name = name;
        this.description = "Crossing power-law learning curves, final loss from " + function.name()
                + ", plus a width; fidelity epoch 1..100, cost per epoch proportional to width";
        this.textbook = function;
        this.badness = badness;
        this.spread = spread;
        this.plateau = plateau;
        List<Parameter> parameters = new ArrayList<>(function.space().parameters());
        parameters.add(new IntParameter(WIDTH, MIN_WIDTH, MAX_WIDTH, 1, true, null));
        this.space = SearchSpace.of(parameters);
    }

    private LearningCurves(LearningCurves family, BoxFunction variant) {
        this.name = family.name;
        this.description = family.description;
        this.textbook = variant;
        this.badness = family.badness;
        this.spread = family.spread;
        this.plateau = family.plateau;
        this.space = family.space;
    }

    /**
     * Final loss from Branin's regret d = f - 0.3979 (which ranges to about 308 on the box): b = d / 25,
     * 25 being about the median regret of a uniformly drawn point. Rates from 0.06 to 6.
     */
    static LearningCurves branin() {
        BoxFunction branin = TextbookFunctions.branin();
        double min = branin.optimalValue().getAsDouble();
        return new LearningCurves("mf-branin-curves", branin, f -> (f - min) / 25, 0.8, 1.1);
    }

    /**
     * Final loss from Hartmann 6-D. Its value is negative everywhere and most of the box sits
     * close to 0, far from the minimum -3.32, so its plain regret hardly separates typical points;
     * b = ln(min f / f) / 3.5 does: it grows like the regret near the minimum (ln(min/f) is about
     * (f - min)/|min| there), and 3.5 is about its median over the box. Final losses are less
     * spread out than Branin's, so smaller rate effects (rates from 0.2 to 1.9) give the same
     * share of crossing pairs.
     */
    static LearningCurves hartmann6() {
        BoxFunction hartmann6 = TextbookFunctions.hartmann6();
        double min = hartmann6.optimalValue().getAsDouble();
        return new LearningCurves("mf-hartmann6-curves", hartmann6, f -> Math.log(min / f) / 3.5, 0.3, 0.7);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public SearchSpace space() {
        return space;
    }

    @Override
    public List<Objective> objectives() {
        return OBJECTIVES;
    }

    @Override
    public Optional<Fidelity> fidelity() {
        return Optional.of(EPOCHS);
    }

    /** The final loss of the best configurations (noise aside): the floor, reached at the function's minimisers. */
    @Override
    public OptionalDouble optimalValue() {
        return OptionalDouble.of(FINAL_LOSS_FLOOR);
    }

    @Override
    public LearningCurves instance(long runSeed) {
        return new LearningCurves(this, (BoxFunction) textbook.instance(runSeed));
    }

    /** The textbook function (or its per-run variant) behind the final loss. */
    BoxFunction function() {
        return textbook;
    }

    /**
     * The noisy loss after {@code budget} epochs and the cost of training that far from scratch.
     *
     * @throws IllegalArgumentException when the budget is outside [1, 100] (a rounding error's
     *                                  worth beyond the ends is clamped)
     */
    @Override
    public Evaluation evaluate(Config config, double budget, long seed) {
        Config valid = space.validate(config);
        double r = epochs(budget);
        return Evaluation.of(loss(valid, r) + noise(valid, r, seed), cost(valid, r));
    }

    static double epochs(double budget) {
        double slack = 1e-9 * EPOCHS.max();
        if (!(budget >= EPOCHS.min() - slack && budget <= EPOCHS.max() + slack)) {
            throw new IllegalArgumentException("budget " + budget + " is outside the fidelity " + EPOCHS.name()
                    + " in [" + EPOCHS.min() + ", " + EPOCHS.max() + "]; pass " + EPOCHS.max() + " for a full evaluation");
        }
        return Math.min(EPOCHS.max(), Math.max(EPOCHS.min(), budget));
    }

    /** The loss the curve ends at after the last epoch, without noise. */
    double finalLoss(Config config) {
        return FINAL_LOSS_FLOOR + FINAL_LOSS_SPAN * finalQuantile(config);
    }

    /** q = b / (b + 1) in [0, 1): where the final loss lies between its floor and its ceiling. */
    private double finalQuantile(Config config) {
        double b = Math.max(0, badness.applyAsDouble(textbook.value(config)));
        return b / (b + 1);
    }

    /** The power-law exponent of the configuration's curve. */
    double rate(Config config) {
        FloatParameter learningRate = (FloatParameter) space.parameters().get(0);
        double u = learningRate.toUnit(config.getDouble(learningRate.name()));
        double v = Math.log((double) config.getLong(WIDTH) / MIN_WIDTH) / Math.log((double) MAX_WIDTH / MIN_WIDTH);
        double q = finalQuantile(config);
        return MEDIAN_RATE * Math.exp(spread * (2 * u - 1) + spread / 2 * (2 * v - 1) + plateau * (2 * q - 1));
    }

    /** The noise-free loss after r epochs. */
    double loss(Config config, double r) {
        double end = finalLoss(config);
        return end + (START_LOSS - end) * progress(r, rate(config));
    }

    /** Remaining share of the way from the start loss to the final loss: 1 at r = 0, 0 at the last epoch. */
    static double progress(double r, double rate) {
        double last = Math.pow(1 + EPOCHS.max(), -rate);
        return (Math.pow(1 + r, -rate) - last) / (1 - last);
    }

    static double noiseStandardDeviation(double r) {
        return NOISE_AT_FIRST_EPOCH / Math.sqrt(r);
    }

    private double noise(Config config, double r, long seed) {
        long run = mix(seed, configHash(config));
        double shared = new SplittableRandom(run).nextGaussian();
        double own = new SplittableRandom(mix(run, Double.doubleToLongBits(r))).nextGaussian();
        return noiseStandardDeviation(r) * (shared + own) / Math.sqrt(2);
    }

    /** Simulated seconds to train {@code config} from scratch for r epochs. */
    static double cost(Config config, double r) {
        return r * config.getLong(WIDTH) / WIDTH_PER_SECOND_PER_EPOCH;
    }

    private long configHash(Config config) {
        long h = 0x243F6A8885A308D3L;
        for (Parameter p : space.parameters()) {
            Object v = config.get(p.name());
            h = mix(h, v instanceof Double d ? Double.doubleToLongBits(d) : ((Number) v).longValue());
        }
        return h;
    }

    /** Combines two 64-bit values into a well-spread one (the MurmurHash3 finaliser of a ^ b * odd constant). */
    static long mix(long a, long b) {
        long z = a ^ (b * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    @Override
    public String toString() {
        return name + (textbook == textbook.textbook() ? "" : " (shifted)");
    }
}
