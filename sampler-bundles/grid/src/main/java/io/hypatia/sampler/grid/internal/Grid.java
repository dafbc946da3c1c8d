package io.hypatia.sampler.grid.internal;

import io.hypatia.api.SettingException;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.space.Values;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The finite set of configurations of a search space given each parameter's list of grid
 * values, enumerated without materialising it. Conditional parameters only vary where active,
 * so a point never differs from another only in an inactive value.
 *
 * <p>Points are ordered like a nested loop in declaration order (the last parameter varies
 * fastest). {@link #size()} and {@link #point(long)} use a count of completions that depends
 * only on the position in the parameter list and on the values of the parents that later
 * parameters' conditions still read, memoised on that key.
 */
final class Grid {
    private final SearchSpace space;
    private final List<Parameter> parameters;
    private final List<List<Object>> values;
    /** parentsAhead[i]: names of parents referenced by conditions of parameters i..n-1. */
    private final List<List<String>> parentsAhead;
    /** isParent[i]: some later parameter's condition reads parameter i. */
    private final boolean[] isParent;
    private final Map<List<Object>, Long> memo = new HashMap<>();
    private final long size;

    Grid(SearchSpace space, List<List<Object>> values) {
        this.space = space;
        this.parameters = space.parameters();
        this.values = values;
        int n = parameters.size();
        this.parentsAhead = new ArrayList<>(n + 1);
        this.isParent = new boolean[n];
        for (int i = 0; i <= n; i++) {
            List<String> parents = new ArrayList<>();
            for (int j = i; j < n; j++) {
                Parameter p = parameters.get(j);
                if (p.condition() != null && !parents.contains(p.condition().parent())) {
                    parents.add(p.condition().parent());
                }
            }
            parentsAhead.add(parents);
        }
        for (int i = 0; i < n; i++) {
            isParent[i] = parentsAhead.get(i + 1).contains(parameters.get(i).name());
        }
        this.size = count(0, new LinkedHashMap<>());
    }

    /** Number of distinct configurations. */
    long size() {
        return size;
    }

    /** Number of completions of parameters i..n-1 given the values assigned to earlier ones. */
    private long count(int i, Map<String, Object> assigned) {
        if (i == parameters.size()) {
            return 1;
        }
        List<Object> key = new ArrayList<>();
        key.add(i);
        for (String parent : parentsAhead.get(i)) {
            key.add(assigned.get(parent));
        }
        Long cached = memo.get(key);
        if (cached != null) {
            return cached;
        }
        Parameter p = parameters.get(i);
        long total;
        if (!space.isActive(p, assigned)) {
            total = count(i + 1, assigned);
        } else if (!isParent[i]) {
            total = multiply(values.get(i).size(), count(i + 1, assigned));
        } else {
            total = 0;
            for (Object v : values.get(i)) {
                assigned.put(p.name(), v);
                total = add(total, count(i + 1, assigned));
                assigned.remove(p.name());
            }
        }
        memo.put(key, total);
        return total;
    }

    /** The grid point of rank {@code index} in [0, size). */
    Config point(long index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("grid index " + index + " outside 0.." + (size - 1));
        }
        Map<String, Object> assigned = new LinkedHashMap<>();
        long rest = index;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (!space.isActive(p, assigned)) {
                continue;
            }
            List<Object> choices = values.get(i);
            if (!isParent[i]) {
                long block = count(i + 1, assigned);
                int k = (int) (rest / block);
                assigned.put(p.name(), choices.get(k));
                rest -= k * block;
                continue;
            }
            for (Object v : choices) {
                assigned.put(p.name(), v);
                long block = count(i + 1, assigned);
                if (rest < block) {
                    break;
                }
                rest -= block;
            }
        }
        return new Config(assigned);
    }

    private static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("the grid has more than " + Long.MAX_VALUE + " points; give smaller grids (grid.<name>)");
        }
    }

    private static long add(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("the grid has more than " + Long.MAX_VALUE + " points; give smaller grids (grid.<name>)");
        }
    }

    /**
     * Grid values of every parameter: the sampler config {@code grid.<name>} when given (comma
     * separated, checked against the domain), otherwise every value of a categorical, ordinal or
     * int parameter. A float parameter without a grid is an error.
     *
     * @throws SettingException naming the offending key
     */
    static List<List<Object>> valuesFrom(SearchSpace space, Map<String, String> config) {
        for (String key : config.keySet()) {
            if (key.startsWith(GridSampler.GRID_PREFIX) && space.get(key.substring(GridSampler.GRID_PREFIX.length())) == null) {
                throw new SettingException(key, "'" + key.substring(GridSampler.GRID_PREFIX.length())
                        + "' is not a parameter of the search space");
            }
        }
        List<List<Object>> out = new ArrayList<>();
        for (Parameter p : space.parameters()) {
            String key = GridSampler.GRID_PREFIX + p.name();
            String given = config.get(key);
            out.add(given == null ? allValues(p, key) : parse(p, key, given));
        }
        return out;
    }

    private static List<Object> allValues(Parameter p, String key) {
        if (p instanceof CategoricalParameter c) {
            return c.choices();
        }
        if (p instanceof OrdinalParameter o) {
            return o.choices();
        }
        if (p instanceof IntParameter ip) {
            long count = (ip.high() - ip.low()) / ip.step() + 1;
            if (count > GridSampler.MAX_VALUES_PER_PARAMETER) {
                throw new SettingException(key, "int parameter '" + p.name() + "' has " + count + " values, more than "
                        + GridSampler.MAX_VALUES_PER_PARAMETER + " for a grid; give its grid as sampler config '" + key + "'");
            }
            List<Object> all = new ArrayList<>((int) count);
            for (long v = ip.low(); v <= ip.high(); v += ip.step()) {
                all.add(v);
            }
            return all;
        }
        throw new SettingException(key, "float parameter '" + p.name() + "' needs a finite grid: set sampler config '" + key
                + "' to comma-separated values in " + p.describeDomain() + ", e.g. " + key + "=" + example((FloatParameter) p));
    }

    private static String example(FloatParameter f) {
        if (f.log()) {
            double mid = Math.sqrt(f.low() * f.high());
            return f.low() + "," + mid + "," + f.high();
        }
        return f.low() + "," + (f.low() + f.high()) / 2 + "," + f.high();
    }

    private static List<Object> parse(Parameter p, String key, String given) {
        List<Object> out = new ArrayList<>();
        for (String raw : given.split(",")) {
            String token = raw.trim();
            if (token.isEmpty()) {
                throw new SettingException(key, "empty value in '" + given + "'");
            }
            Object v = parseValue(p, key, token);
            if (!p.contains(v)) {
                throw new SettingException(key, token + " is outside the domain of '"
                        + p.name() + "': " + p.describeDomain());
            }
            for (Object w : out) {
                if (Values.sameValue(v, w)) {
                    throw new SettingException(key, "lists " + token + " twice");
                }
            }
            out.add(v);
        }
        return out;
    }

    private static Object parseValue(Parameter p, String key, String token) {
        try {
            if (p instanceof FloatParameter) {
                return Double.parseDouble(token);
            }
            if (p instanceof IntParameter) {
                return Long.parseLong(token);
            }
        } catch (NumberFormatException e) {
            throw new SettingException(key, "'" + token + "' is not a number ("
                    + p.describeDomain() + ")");
        }
        List<Object> choices = p instanceof CategoricalParameter c ? c.choices() : ((OrdinalParameter) p).choices();
        for (Object choice : choices) {
            if (choice.toString().equals(token)) {
                return choice;
            }
        }
        for (Object choice : choices) {
            if (choice instanceof Number n) {
                try {
                    if (Double.compare(Double.parseDouble(token), n.doubleValue()) == 0) {
                        return choice;
                    }
                } catch (NumberFormatException ignored) {
                    // not numeric: try the next choice
                }
            }
        }
        throw new SettingException(key, "'" + token + "' is not a choice of '" + p.name()
                + "': " + p.describeDomain());
    }
}
