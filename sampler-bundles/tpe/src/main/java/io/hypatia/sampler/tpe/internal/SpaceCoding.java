package io.hypatia.sampler.tpe.internal;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How TPE sees each parameter. Numeric parameters (float, int, ordinal) live on [0, 1] through
 * {@link Parameter#toUnit}, which is the log scale for log parameters; ints and ordinals are
 * continuous there and snap to the centre of their value's cell, so "continuous then rounded"
 * and the density evaluation agree. Categorical parameters are coded by choice index. An
 * inactive or missing value is NaN.
 */
final class SpaceCoding {
    enum Kind {
        CONTINUOUS, DISCRETE, CATEGORICAL
    }

    private final SearchSpace space;
    private final Parameter[] params;
    private final Kind[] kinds;
    /** Number of choices of a categorical parameter (0 otherwise). */
    private final int[] choices;
    /** Smallest bandwidth a discrete parameter gets: half its narrowest cell on the unit scale. */
    private final double[] discreteFloor;
    private final boolean conditional;

    SpaceCoding(SearchSpace space) {
        this.space = space;
        List<Parameter> list = space.parameters();
        int d = list.size();
        params = list.toArray(new Parameter[0]);
        kinds = new Kind[d];
        choices = new int[d];
        discreteFloor = new double[d];
        boolean anyConditional = false;
        for (int i = 0; i < d; i++) {
            Parameter p = params[i];
            anyConditional |= p.isConditional();
            if (p instanceof CategoricalParameter c) {
                kinds[i] = Kind.CATEGORICAL;
                choices[i] = c.choices().size();
            } else if (p instanceof FloatParameter) {
                kinds[i] = Kind.CONTINUOUS;
            } else if (p instanceof OrdinalParameter o) {
                kinds[i] = Kind.DISCRETE;
                discreteFloor[i] = 0.5 / o.choices().size();
            } else if (p instanceof IntParameter ip) {
                kinds[i] = Kind.DISCRETE;
                if (ip.low() == ip.high()) {
                    discreteFloor[i] = 0.5;
                } else {
                    // The narrowest cell: the last one on a log scale, any one on a linear scale.
                    double top = ip.toUnit(ip.high()), below = ip.toUnit(ip.high() - ip.step());
                    discreteFloor[i] = 0.5 * Math.min(1.0, top - below);
                }
            }
        }
        conditional = anyConditional;
    }

    SearchSpace space() {
        return space;
    }

    int dimension() {
        return params.length;
    }

    Kind kind(int d) {
        return kinds[d];
    }

    int choices(int d) {
        return choices[d];
    }

    double discreteFloor(int d) {
        return discreteFloor[d];
    }

    boolean hasConditionals() {
        return conditional;
    }

    String name(int d) {
        return params[d].name();
    }

    /** The coded value of {@code value} for parameter d, or NaN when it is missing or outside the domain. */
    double encode(int d, Object value) {
        if (value == null) {
            return Double.NaN;
        }
        Parameter p = params[d];
        if (p instanceof CategoricalParameter c) {
            int i = c.indexOf(value);
            return i < 0 ? Double.NaN : i;
        }
        if (p instanceof OrdinalParameter o) {
            int i = o.indexOf(value);
            return i < 0 ? Double.NaN : (i + 0.5) / o.choices().size();
        }
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            return Double.NaN;
        }
        if (p instanceof IntParameter ip && ip.log() && n.doubleValue() < ip.low()) {
            return Double.NaN;
        }
        if (p instanceof FloatParameter fp && fp.log() && n.doubleValue() <= 0) {
            return Double.NaN;
        }
        double u = p.toUnit(n);
        if (!(u >= -1e-9 && u <= 1 + 1e-9)) {
            return Double.NaN;
        }
        return Math.min(1, Math.max(0, u));
    }

    /** Moves a unit value of a discrete parameter to the centre of its cell; identity for continuous ones. */
    double snap(int d, double u) {
        if (kinds[d] != Kind.DISCRETE) {
            return u;
        }
        return encode(d, params[d].fromUnit(clampOpen(u)));
    }

    /** The parameter value of coded value {@code x}. */
    Object decode(int d, double x) {
        Parameter p = params[d];
        if (p instanceof CategoricalParameter c) {
            int i = (int) x;
            return c.choices().get(Math.max(0, Math.min(c.choices().size() - 1, i)));
        }
        return p.fromUnit(clampOpen(x));
    }

    /**
     * The configuration of coded values {@code x} (one per parameter), keeping only the parameters
     * that are active given the values of their parents, in declaration order.
     */
    Config decode(double[] x) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int d = 0; d < params.length; d++) {
            if (space.isActive(params[d], values)) {
                values.put(params[d].name(), decode(d, x[d]));
            }
        }
        return new Config(values);
    }

    private static double clampOpen(double u) {
        return Math.max(0, Math.min(Math.nextDown(1.0), u));
    }
}
