package io.hypatia.sampler.gp.model;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Input warping of a search space to the GP's feature space:
 * <ul>
 * <li>float, int and ordinal parameters take one dimension, their {@link Parameter#toUnit} value
 * in [0, 1] (log parameters in log space; ints and ordinals at the centre of their cell);</li>
 * <li>a categorical parameter with k choices takes k one-hot dimensions, so no order or distance
 * between choices is assumed;</li>
 * <li>an inactive conditional parameter is encoded as a fixed value: 0 for a numeric dimension
 * and all-zeros for a one-hot block (a level of its own). Its parent's one-hot block already
 * tells the kernel that it is inactive, and all inactive points coincide on these dimensions.</li>
 * </ul>
 * Decoding rounds: a numeric dimension goes back through {@link Parameter#fromUnit} (the nearest
 * integer, step or ordinal choice), a one-hot block to its largest entry, and only active
 * parameters are kept. {@link #snap} = encode ∘ decode maps any feature vector to the feature
 * vector of the configuration that would really be suggested (Garrido-Merchán and
 * Hernández-Lobato 2020: evaluate the acquisition at the rounded point).
 */
public final class SpaceEncoding {
    private final SearchSpace space;
    private final List<Parameter> parameters;
    private final int[] offset;
    private final int dims;

    public SpaceEncoding(SearchSpace space) {
        this.space = space;
        this.parameters = space.parameters();
        this.offset = new int[parameters.size()];
        int o = 0;
        for (int i = 0; i < parameters.size(); i++) {
            offset[i] = o;
            o += width(parameters.get(i));
        }
        this.dims = o;
    }

    private static int width(Parameter p) {
        return p instanceof CategoricalParameter c ? c.choices().size() : 1;
    }

    /** Number of feature dimensions. */
    public int dims() {
        return dims;
    }

    /** Number of parameters (the dimension of the per-parameter unit cube). */
    public int parameterCount() {
        return parameters.size();
    }

    public double[] encode(Config config) {
        double[] x = new double[dims];
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Object v = config.get(p.name());
            if (v == null) {
                continue;
            }
            if (p instanceof CategoricalParameter c) {
                int k = c.indexOf(v);
                if (k >= 0) {
                    x[offset[i] + k] = 1;
                }
            } else {
                x[offset[i]] = clamp01(p.toUnit(v));
            }
        }
        return x;
    }

    public Config decode(double[] x) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (!space.isActive(p, values)) {
                continue;
            }
            if (p instanceof CategoricalParameter c) {
                int best = 0;
                for (int k = 1; k < c.choices().size(); k++) {
                    if (x[offset[i] + k] > x[offset[i] + best]) {
                        best = k;
                    }
                }
                values.put(p.name(), c.choices().get(best));
            } else {
                values.put(p.name(), p.fromUnit(clamp01(x[offset[i]])));
            }
        }
        return new Config(values);
    }

    /** The feature vector of the configuration {@code x} decodes to. */
    public double[] snap(double[] x) {
        return encode(decode(x));
    }

    /**
     * The configuration for a point of the per-parameter unit cube (one coordinate per parameter,
     * used only when the parameter is active): the same map as {@link SearchSpace#sampleUniform}.
     */
    public Config fromUnitCube(double[] u) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (space.isActive(p, values)) {
                values.put(p.name(), p.fromUnit(Math.min(Math.max(u[i], 0), Math.nextDown(1.0))));
            }
        }
        return new Config(values);
    }

    /**
     * The per-parameter unit coordinates of {@code config}; an inactive parameter gets
     * {@code Double.NaN}.
     */
    public double[] toUnitCube(Config config) {
        double[] u = new double[parameters.size()];
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Object v = config.get(p.name());
            u[i] = v == null ? Double.NaN : clamp01(p.toUnit(v));
        }
        return u;
    }

    public boolean isCategorical(int parameter) {
        return parameters.get(parameter) instanceof CategoricalParameter;
    }

    /**
     * Feature dimensions a continuous optimiser may move for the configuration encoded by
     * {@code x}: those of active float, int and ordinal parameters (ints and ordinals are relaxed
     * and rounded afterwards). One-hot blocks and inactive parameters stay fixed.
     */
    public int[] continuousDims(double[] x) {
        Config c = decode(x);
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (!(p instanceof CategoricalParameter) && c.has(p.name())) {
                free.add(offset[i]);
            }
        }
        return free.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Every configuration that differs from {@code x}'s in the level of exactly one active
     * categorical parameter, as feature vectors (children that become active start at the low
     * end of their range or their first choice).
     */
    public List<double[]> categoricalNeighbours(double[] x) {
        Config c = decode(x);
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (p instanceof CategoricalParameter cp && c.has(p.name())) {
                int current = cp.indexOf(c.get(p.name()));
                for (int k = 0; k < cp.choices().size(); k++) {
                    if (k != current) {
                        double[] y = x.clone();
                        for (int m = 0; m < cp.choices().size(); m++) {
                            y[offset[i] + m] = m == k ? 1 : 0;
                        }
                        out.add(snap(y));
                    }
                }
            }
        }
        return out;
    }

    private static double clamp01(double v) {
        return Double.isNaN(v) ? 0 : Math.min(1, Math.max(0, v));
    }
}
