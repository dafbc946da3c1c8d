package io.hypatia.benchmark.synthetic.internal;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.SearchSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A mixed function of our own with an exact minimum: floats x1, x2 in [-5, 5], an int n in
 * [0, 100] with step 5, and a categorical kind in {a, b, c, d}:
 *
 * <pre>
 *   f = d1^2 + d1 d2 + 2 d2^2 + ((n - n*) / 10)^2 + offset(kind),   d = x - x*
 * </pre>
 *
 * The quadratic is positive definite and couples x1 and x2; each kind adds its own offset. The
 * textbook instance has x* = (1, -0.5), n* = 35 and offsets a 1.5, b 1.25, c 1.0, d 2.0, so the
 * minimum is 1.0 at (1, -0.5, 35, c). A per-run variant draws x* in the inner 80% of the box, n*
 * on the inner grid, and shuffles which kind gets which offset: the minimum stays 1.0, exactly
 * reachable, and a sampler favouring the first choice or the centre gains nothing.
 */
final class MixedIntCatFunction extends SyntheticBenchmark {
    private static final double[] OFFSETS = {1.5, 1.25, 1.0, 2.0};
    private static final double LOW = -5, HIGH = 5;
    private static final long N_LOW = 0, N_HIGH = 100, N_STEP = 5;
    private static final CategoricalParameter KIND = new CategoricalParameter("kind", List.of("a", "b", "c", "d"));

    private final double[] centre;
    private final long nStar;
    private final double[] offsets;
    private final MixedIntCatFunction textbook;

    MixedIntCatFunction() {
        super("mixed-int-cat", "Mixed 2 floats + stepped int + categorical, exact minimum 1.0", mixedSpace(), 1.0);
        this.centre = new double[] {1, -0.5};
        this.nStar = 35;
        this.offsets = OFFSETS.clone();
        this.textbook = this;
    }

    private MixedIntCatFunction(MixedIntCatFunction textbook, double[] centre, long nStar, double[] offsets) {
        super(textbook.name(), textbook.description(), textbook.space(), textbook.optimalValue().getAsDouble());
        this.centre = centre;
        this.nStar = nStar;
        this.offsets = offsets;
        this.textbook = textbook;
    }

    private static SearchSpace mixedSpace() {
        return SearchSpace.of(List.of(
                new FloatParameter("x1", LOW, HIGH, false),
                new FloatParameter("x2", LOW, HIGH, false),
                new IntParameter("n", N_LOW, N_HIGH, N_STEP, false, null),
                KIND));
    }

    @Override
    double value(Config config) {
        double d1 = config.getDouble("x1") - centre[0];
        double d2 = config.getDouble("x2") - centre[1];
        double dn = (config.getLong("n") - nStar) / 10.0;
        return d1 * d1 + d1 * d2 + 2 * d2 * d2 + dn * dn + offsets[KIND.indexOf(config.get("kind"))];
    }

    @Override
    Config argmin() {
        int best = 0;
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] < offsets[best]) {
                best = i;
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("x1", centre[0]);
        values.put("x2", centre[1]);
        values.put("n", nStar);
        values.put("kind", KIND.choices().get(best));
        return new Config(values);
    }

    @Override
    MixedIntCatFunction textbook() {
        return textbook;
    }

    @Override
    MixedIntCatFunction shifted(RandomGenerator random) {
        double[] c = {drawInside(random, LOW, HIGH), drawInside(random, LOW, HIGH)};
        long steps = (N_HIGH - N_LOW) / N_STEP;
        long n = N_LOW + N_STEP * Math.round(drawInside(random, 0, steps));
        double[] shuffled = OFFSETS.clone();
        for (int i = shuffled.length - 1; i > 0; i--) { // Fisher-Yates
            int j = random.nextInt(i + 1);
            double tmp = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = tmp;
        }
        return new MixedIntCatFunction(textbook, c, n, shuffled);
    }
}
