package io.hypatia.api.benchmark;

import java.util.List;

/**
 * One evaluation of a benchmark: objective values in the benchmark's objective order and the
 * simulated cost (seconds of training it stands for) used by simulated-time runs.
 */
public record Evaluation(List<Double> values, double cost) {

    public Evaluation {
        values = List.copyOf(values);
    }

    public static Evaluation of(double value, double cost) {
        return new Evaluation(List.of(value), cost);
    }

    public double value() {
        return values.get(0);
    }
}
