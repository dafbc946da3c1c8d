package io.hypatia.benchmark.synthetic.internal;

import io.hypatia.api.space.Config;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * A continuous function f on a box, with parameters x1..xd.
 *
 * <p>Per-run shift: a variant evaluates f(x - s). Every formula used here is defined on all of
 * R^d and has the same global minimum there as on its box (each factory in
 * {@link TextbookFunctions} says why), so f(x - s) is defined on the whole domain and never goes
 * below the textbook optimum. s moves one textbook minimiser (chosen at random when there are
 * several, as for Branin) to a point drawn in the inner 80% of the box, so that minimum is always
 * inside the domain at the same value; other minimisers may leave the box, which changes nothing.
 */
final class BoxFunction extends SyntheticBenchmark {
    private final ToDoubleFunction<double[]> formula;
    private final double[] low;
    private final double[] high;
    private final double[][] minimisers;
    private final double[] shift;
    private final double[] argmin;
    private final BoxFunction textbook;

    /**
     * @param minimisers every global minimiser of the textbook function inside the box
     * @param formula    the textbook function of x = (x1..xd)
     */
    BoxFunction(String name, String description, double[] low, double[] high, double optimalValue,
                double[][] minimisers, ToDoubleFunction<double[]> formula) {
        super(name, description, Box.space(low, high), optimalValue);
        this.formula = formula;
        this.low = low.clone();
        this.high = high.clone();
        this.minimisers = minimisers.clone();
        this.shift = new double[low.length];
        this.argmin = minimisers[0].clone();
        this.textbook = this;
    }

    private BoxFunction(BoxFunction textbook, double[] shift, double[] argmin) {
        super(textbook.name(), textbook.description(), textbook.space(), textbook.optimalValue().getAsDouble());
        this.formula = textbook.formula;
        this.low = textbook.low;
        this.high = textbook.high;
        this.minimisers = textbook.minimisers;
        this.shift = shift;
        this.argmin = argmin;
        this.textbook = textbook;
    }

    int dimension() {
        return low.length;
    }

    /** The value at x1..xd of {@code config}; other parameters it may hold are ignored. */
    @Override
    double value(Config config) {
        double[] x = Box.coordinates(config, low.length);
        for (int i = 0; i < x.length; i++) {
            x[i] -= shift[i];
        }
        return formula.applyAsDouble(x);
    }

    @Override
    Config argmin() {
        return Box.point(argmin);
    }

    @Override
    BoxFunction textbook() {
        return textbook;
    }

    @Override
    BoxFunction shifted(RandomGenerator random) {
        double[] moved = minimisers[random.nextInt(minimisers.length)];
        double[] target = new double[low.length];
        double[] s = new double[low.length];
        for (int i = 0; i < target.length; i++) {
            target[i] = drawInside(random, low[i], high[i]);
            s[i] = target[i] - moved[i];
        }
        return new BoxFunction(textbook, s, target);
    }
}
