package io.hypatia.benchmark.tabular.internal;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.benchmark.Evaluation;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.InvalidSpaceException;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One complete-grid table. A configuration is the mixed-radix number of its choice indices
 * (first parameter most significant, as the files are sorted), which indexes a flat
 * {@code float[config * seeds + seed]}: a lookup is arithmetic, and a table costs 4 bytes per
 * stored value. A missing value (some NAS-Bench-201 cells ran only 2 of 3 seeds) is NaN.
 */
public final class TabularBenchmark implements Benchmark {
    /** These tables hold no runtimes, so every evaluation costs the same. */
    static final double COST = 1.0;

    private final Family family;
    private final String dataset;
    private final SearchSpace space;
    private final List<Object>[] choices;
    private final int[] strides;
    private final int seeds;
    private final float[] values;
    private final int bestMeanConfig;
    private final double bestMean;
    private final int bestSingleConfig;
    private final double bestSingle;

    @SuppressWarnings("unchecked")
    TabularBenchmark(Family family, String dataset, SearchSpace space, List<List<Object>> choices, int seeds, float[] values) {
        this.family = family;
        this.dataset = dataset;
        this.space = space;
        this.choices = choices.toArray(new List[0]);
        this.seeds = seeds;
        this.values = values;
        this.strides = new int[this.choices.length];
        int stride = 1;
        for (int j = this.choices.length - 1; j >= 0; j--) {
            strides[j] = stride;
            stride *= this.choices[j].size();
        }
        if ((long) stride * seeds != values.length) {
            throw new IllegalArgumentException(name() + ": " + values.length + " values for " + stride + " configs x " + seeds + " seeds");
        }
        // The exact optimum, by a full pass over the grid (cheap: a few hundred thousand floats).
        Direction d = family.direction();
        int meanArg = -1, singleArg = -1;
        double meanBest = Double.NaN, singleBest = Double.NaN;
        for (int c = 0; c < stride; c++) {
            double mean = meanAt(c);
            if (meanArg < 0 || d.better(mean, meanBest)) {
                meanArg = c;
                meanBest = mean;
            }
            for (int s = 0; s < seeds; s++) {
                float v = values[c * seeds + s];
                if (!Float.isNaN(v) && (singleArg < 0 || d.better(v, singleBest))) {
                    singleArg = c;
                    singleBest = v;
                }
            }
        }
        this.bestMeanConfig = meanArg;
        this.bestMean = meanBest;
        this.bestSingleConfig = singleArg;
        this.bestSingle = singleBest;
    }

    @Override
    public String name() {
        return family.benchmarkName(dataset);
    }

    public Family family() {
        return family;
    }

    public String dataset() {
        return dataset;
    }

    @Override
    public SearchSpace space() {
        return space;
    }

    @Override
    public List<Objective> objectives() {
        return List.of(family.objective());
    }

    /** Looks {@code config} up and returns one seed's value; {@code budget} is ignored (final values only). */
    @Override
    public Evaluation evaluate(Config config, double budget, long seed) {
        return Evaluation.of(valueAt(indexOf(config), seed), COST);
    }

    /** The best mean over seeds, in the objective's own direction. */
    @Override
    public OptionalDouble optimalValue() {
        return OptionalDouble.of(bestMean);
    }

    public double bestMean() {
        return bestMean;
    }

    public Config bestMeanConfig() {
        return configAt(bestMeanConfig);
    }

    /** The best value any single seed reached; a lucky seed can beat {@link #bestMean()}. */
    public double bestSingleValue() {
        return bestSingle;
    }

    public Config bestSingleConfig() {
        return configAt(bestSingleConfig);
    }

    /** Number of configurations (the grid size). */
    public int size() {
        return values.length / seeds;
    }

    /** Number of seed columns in the file. */
    public int seeds() {
        return seeds;
    }

    /** Bytes held by the value table (the rest of the object is a few grids of choices). */
    public long valueBytes() {
        return 4L * values.length;
    }

    /** The grid of each parameter, in space order. */
    public List<Object> choices(String parameter) {
        for (int j = 0; j < choices.length; j++) {
            if (space.parameters().get(j).name().equals(parameter)) {
                return choices[j];
            }
        }
        throw new IllegalArgumentException(name() + " has no parameter '" + parameter + "'");
    }

    /** The stored value of one seed column, NaN when that seed was not run for this config. */
    public double stored(int config, int seedColumn) {
        return values[config * seeds + seedColumn];
    }

    /** Mean over the seeds present for {@code config}. */
    public double meanAt(int config) {
        double sum = 0;
        int n = 0;
        for (int s = 0; s < seeds; s++) {
            float v = values[config * seeds + s];
            if (!Float.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return sum / n;
    }

    /**
     * The value {@code seed} draws for {@code config}: the seed column {@code seedColumn(seed)},
     * or, where that seed was not run, the same draw taken among the seeds that were.
     */
    public double valueAt(int config, long seed) {
        int column = seedColumn(seed);
        float v = values[config * seeds + column];
        if (!Float.isNaN(v)) {
            return v;
        }
        int present = 0;
        for (int s = 0; s < seeds; s++) {
            present += Float.isNaN(values[config * seeds + s]) ? 0 : 1;
        }
        int k = column % present;
        for (int s = 0; s < seeds; s++) {
            v = values[config * seeds + s];
            if (!Float.isNaN(v) && k-- == 0) {
                return v;
            }
        }
        throw new AssertionError("unreachable: every row holds at least one value");
    }

    /** The seed column a seed maps to; mixed first so that seeds 0, 1, 2, ... do not walk the columns in order. */
    public int seedColumn(long seed) {
        return (int) Math.floorMod(mix(seed), (long) seeds);
    }

    /** The grid index of {@code config}; an off-grid value is an error listing the allowed values. */
    public int indexOf(Config config) {
        List<Parameter> params = space.parameters();
        if (config.values().size() != params.size()) {
            for (String key : config.values().keySet()) {
                if (space.get(key) == null) {
                    throw new InvalidSpaceException("config." + key, "is not a parameter of " + name()
                            + "; parameters are " + params.stream().map(Parameter::name).toList());
                }
            }
        }
        int index = 0;
        for (int j = 0; j < params.size(); j++) {
            String name = params.get(j).name();
            Object v = config.get(name);
            if (v == null) {
                throw new InvalidSpaceException("config." + name, "is missing; allowed values: " + choices[j]);
            }
            int k = choiceIndex(choices[j], v);
            if (k < 0) {
                throw new InvalidSpaceException("config." + name, v + " is not on the grid of " + name()
                        + "; allowed values: " + choices[j]);
            }
            index += k * strides[j];
        }
        return index;
    }

    /** The configuration at a grid index, values in the space's declared types. */
    public Config configAt(int index) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int j = 0; j < choices.length; j++) {
            out.put(space.parameters().get(j).name(), choices[j].get(index / strides[j] % choices[j].size()));
        }
        return new Config(out);
    }

    // Exact match, but 8 (Long) and 8.0 (Double) are the same choice, as in io.hypatia.api.space.Values.
    private static int choiceIndex(List<Object> grid, Object v) {
        for (int k = 0; k < grid.size(); k++) {
            Object c = grid.get(k);
            if (v instanceof Number n ? c instanceof Number m && m.doubleValue() == n.doubleValue() : c.equals(v)) {
                return k;
            }
        }
        return -1;
    }

    // SplitMix64's finaliser: a fixed, well-spread function of the seed.
    static long mix(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return name() + " (" + size() + " configs x " + seeds + " seeds)";
    }
}
