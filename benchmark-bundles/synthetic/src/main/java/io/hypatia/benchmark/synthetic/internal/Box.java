package io.hypatia.benchmark.synthetic.internal;

import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The continuous box x1..xd that most functions here are defined on, and the conversions to and from it. */
final class Box {
    private Box() {
    }

    /** Float parameters x1..xd, xi uniform on [low[i-1], high[i-1]]. */
    static List<FloatParameter> parameters(double[] low, double[] high) {
        List<FloatParameter> parameters = new ArrayList<>();
        for (int i = 0; i < low.length; i++) {
            parameters.add(new FloatParameter(name(i), low[i], high[i], false));
        }
        return parameters;
    }

    static SearchSpace space(double[] low, double[] high) {
        return SearchSpace.of(parameters(low, high));
    }

    /** [0, 1]^d. */
    static SearchSpace unit(int d) {
        return space(filled(d, 0), filled(d, 1));
    }

    /** The name of coordinate {@code i} (0-based): x1, x2, ... */
    static String name(int i) {
        return "x" + (i + 1);
    }

    /** (x1..xd) of a configuration holding them, ignoring any other parameter. */
    static double[] coordinates(Config config, int d) {
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = config.getDouble(name(i));
        }
        return x;
    }

    /** The configuration x1 = x[0], ..., xd = x[d-1]. */
    static Config point(double... x) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < x.length; i++) {
            values.put(name(i), x[i]);
        }
        return new Config(values);
    }

    static double[] filled(int d, double value) {
        double[] x = new double[d];
        Arrays.fill(x, value);
        return x;
    }
}
