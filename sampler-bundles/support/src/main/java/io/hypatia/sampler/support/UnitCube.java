package io.hypatia.sampler.support;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The encoding of configurations as points of the unit cube [0,1]^d, one coordinate per
 * parameter of a {@link SearchSpace} in declaration order, through {@link Parameter#toUnit} and
 * {@link Parameter#fromUnit}. A parameter that is inactive (its condition unmet) or absent is
 * encoded as NaN. Decoding evaluates conditions in declaration order, so coordinates of
 * parameters that the decoded parents deactivate are ignored.
 *
 * <p>For models that need a distance between configurations (a GP, say) categorical
 * parameters have no meaningful coordinate; the one-hot encoding gives each categorical
 * parameter one column per choice instead ({@link #encodeOneHot}, {@link #decodeOneHot}).
 *
 * <p>Instances are immutable and cheap to build.
 */
public final class UnitCube {
    private final SearchSpace space;
    private final List<Parameter> parameters;
    private final int[] oneHotOffset;
    private final int oneHotDimension;

    /** The encoding for {@code space}. */
    public UnitCube(SearchSpace space) {
        this.space = space;
        this.parameters = space.parameters();
        this.oneHotOffset = new int[parameters.size()];
        int offset = 0;
        for (int i = 0; i < parameters.size(); i++) {
            oneHotOffset[i] = offset;
            offset += oneHotWidth(i);
        }
        this.oneHotDimension = offset;
    }

    /** The encoded space. */
    public SearchSpace space() {
        return space;
    }

    /** Number of coordinates: one per parameter of the space. */
    public int dimension() {
        return parameters.size();
    }

    /** The parameter behind coordinate {@code i}. */
    public Parameter parameter(int i) {
        return parameters.get(i);
    }

    /** The coordinate of the named parameter, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** True for an unordered choice, which has no meaningful position in the cube. */
    public static boolean isCategorical(Parameter p) {
        return p instanceof CategoricalParameter;
    }

    /** True when coordinate {@code i} is a categorical parameter. */
    public boolean isCategorical(int i) {
        return isCategorical(parameters.get(i));
    }

    /** True when some parameter has a condition. */
    public boolean hasConditionals() {
        return parameters.stream().anyMatch(Parameter::isConditional);
    }

    /**
     * Encodes a configuration: {@code toUnit} of each present value, NaN for parameters the
     * configuration leaves out (inactive) or whose value lies outside the domain.
     */
    public double[] encode(Config config) {
        double[] u = new double[parameters.size()];
        for (int i = 0; i < u.length; i++) {
            u[i] = unitOf(parameters.get(i), config.get(parameters.get(i).name()));
        }
        return u;
    }

    private static double unitOf(Parameter p, Object value) {
        if (value == null || !p.contains(value)) {
            return Double.NaN;
        }
        return clamp(p.toUnit(value));
    }

    /**
     * Decodes a point: every active parameter gets {@code fromUnit} of its coordinate, clamped
     * to [0,1]; inactive parameters are left out.
     *
     * @throws IllegalArgumentException when an active parameter's coordinate is NaN
     */
    public Config decode(double[] u) {
        return decode(u, null);
    }

    /**
     * Decodes a point like {@link #decode(double[])}, drawing a uniform coordinate from
     * {@code fallback} for an active parameter whose coordinate is NaN (a conditional branch
     * the point did not cover).
     */
    public Config decode(double[] u, RandomGenerator fallback) {
        checkLength(u.length, parameters.size());
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < u.length; i++) {
            Parameter p = parameters.get(i);
            if (!space.isActive(p, values)) {
                continue;
            }
            values.put(p.name(), p.fromUnit(coordinate(p, u[i], fallback)));
        }
        return new Config(values);
    }

    private static double coordinate(Parameter p, double u, RandomGenerator fallback) {
        if (Double.isNaN(u)) {
            if (fallback == null) {
                throw new IllegalArgumentException("no coordinate for active parameter '" + p.name() + "'");
            }
            return fallback.nextDouble();
        }
        return clamp(u);
    }

    private static double clamp(double u) {
        return u < 0 ? 0 : u > 1 ? 1 : u;
    }

    private static void checkLength(int got, int expected) {
        if (got != expected) {
            throw new IllegalArgumentException("point has " + got + " coordinates, the space has " + expected);
        }
    }

    // ---- one-hot encoding ----

    /** Width of the one-hot encoding: one column per numeric/ordinal parameter, one per choice of a categorical. */
    public int oneHotDimension() {
        return oneHotDimension;
    }

    /** First one-hot column of parameter {@code i}. */
    public int oneHotOffset(int i) {
        return oneHotOffset[i];
    }

    /** Number of one-hot columns of parameter {@code i}: its number of choices if categorical, else 1. */
    public int oneHotWidth(int i) {
        return parameters.get(i) instanceof CategoricalParameter c ? c.choices().size() : 1;
    }

    /**
     * One-hot encoding: a numeric or ordinal parameter takes one column holding its unit value
     * (NaN when inactive); a categorical parameter takes one column per choice, 1 for the chosen
     * one and 0 elsewhere (all 0 when inactive).
     */
    public double[] encodeOneHot(Config config) {
        double[] x = new double[oneHotDimension];
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Object v = config.get(p.name());
            if (p instanceof CategoricalParameter c) {
                int k = v == null ? -1 : c.indexOf(v);
                if (k >= 0) {
                    x[oneHotOffset[i] + k] = 1;
                }
            } else {
                x[oneHotOffset[i]] = unitOf(p, v);
            }
        }
        return x;
    }

    /**
     * Decodes a one-hot point: categorical parameters take the choice with the largest column
     * (the first on ties), others {@code fromUnit} of their clamped column. NaN columns of active
     * numeric parameters, and categorical blocks that are all NaN, are drawn from {@code fallback}
     * (which may be null when no NaN can occur).
     */
    public Config decodeOneHot(double[] x, RandomGenerator fallback) {
        checkLength(x.length, oneHotDimension);
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (!space.isActive(p, values)) {
                continue;
            }
            int off = oneHotOffset[i];
            if (p instanceof CategoricalParameter c) {
                int best = -1;
                for (int k = 0; k < c.choices().size(); k++) {
                    if (!Double.isNaN(x[off + k]) && (best < 0 || x[off + k] > x[off + best])) {
                        best = k;
                    }
                }
                if (best < 0) {
                    if (fallback == null) {
                        throw new IllegalArgumentException("no coordinate for active parameter '" + p.name() + "'");
                    }
                    best = fallback.nextInt(c.choices().size());
                }
                values.put(p.name(), c.choices().get(best));
            } else {
                values.put(p.name(), p.fromUnit(coordinate(p, x[off], fallback)));
            }
        }
        return new Config(values);
    }
}
