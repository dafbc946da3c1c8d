package io.hypatia.api.space;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * An ordered, validated list of parameters. Conditional parameters name a parent declared
 * before them, so evaluating activity in declaration order is always well defined.
 */
public final class SearchSpace {
    private final List<Parameter> parameters;
    private final Map<String, Parameter> byName;

    private SearchSpace(List<Parameter> parameters) {
        this.parameters = List.copyOf(parameters);
        Map<String, Parameter> map = new LinkedHashMap<>();
        for (Parameter p : this.parameters) {
            map.put(p.name(), p);
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /**
     * Validates and builds a space.
     *
     * @throws InvalidSpaceException naming the first bad field, e.g. {@code params[1].low}
     */
    public static SearchSpace of(List<? extends Parameter> parameters) {
        if (parameters == null || parameters.isEmpty()) {
            throw new InvalidSpaceException("params", "a search space needs at least one parameter");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            String path = "params[" + i + "]";
            if (p == null) {
                throw new InvalidSpaceException(path, "must not be null");
            }
            if (p.name() == null || p.name().isBlank()) {
                throw new InvalidSpaceException(path + ".name", "must not be empty");
            }
            if (seen.containsKey(p.name())) {
                throw new InvalidSpaceException(path + ".name",
                        "duplicate name '" + p.name() + "' (also params[" + seen.get(p.name()) + "])");
            }
            p.validate(path);
            Condition c = p.condition();
            if (c != null) {
                Integer parentIndex = seen.get(c.parent());
                if (parentIndex == null) {
                    boolean later = parameters.stream().anyMatch(q -> q != null && c.parent() != null && c.parent().equals(q.name()));
                    throw new InvalidSpaceException(path + ".condition.parent", later
                            ? "parent '" + c.parent() + "' must be declared before '" + p.name() + "'"
                            : "parent '" + c.parent() + "' is not a parameter of this space");
                }
                Parameter parent = parameters.get(parentIndex);
                if (!(parent instanceof CategoricalParameter || parent instanceof OrdinalParameter)) {
                    throw new InvalidSpaceException(path + ".condition.parent",
                            "parent '" + c.parent() + "' must be categorical or ordinal");
                }
                if (c.values().isEmpty()) {
                    throw new InvalidSpaceException(path + ".condition.values", "must not be empty");
                }
                for (int k = 0; k < c.values().size(); k++) {
                    if (!parent.contains(c.values().get(k))) {
                        throw new InvalidSpaceException(path + ".condition.values[" + k + "]",
                                c.values().get(k) + " is not a value of '" + c.parent() + "' (" + parent.describeDomain() + ")");
                    }
                }
            }
            seen.put(p.name(), i);
        }
        return new SearchSpace(new ArrayList<>(parameters));
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    public Parameter get(String name) {
        return byName.get(name);
    }

    public int size() {
        return parameters.size();
    }

    /** True when {@code p} is active given the values assigned so far to earlier parameters. */
    public boolean isActive(Parameter p, Map<String, Object> assigned) {
        Condition c = p.condition();
        if (c == null) {
            return true;
        }
        Object parentValue = assigned.get(c.parent());
        return parentValue != null && c.isMetBy(parentValue);
    }

    /**
     * Draws a configuration with each active parameter uniform in its own scale. This is the
     * prior that random search, sampler start-up phases and the engine's fallback share.
     */
    public Config sampleUniform(RandomGenerator random) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (isActive(p, values)) {
                values.put(p.name(), p.fromUnit(random.nextDouble()));
            }
        }
        return new Config(values);
    }

    /**
     * Checks that {@code config} assigns an in-domain value to exactly the active parameters and
     * returns it with choices in their declared types.
     *
     * @throws InvalidSpaceException naming the field {@code config.<name>}
     */
    public Config validate(Config config) {
        Map<String, Object> given = config.values();
        for (String name : given.keySet()) {
            if (!byName.containsKey(name)) {
                throw new InvalidSpaceException("config." + name, "is not a parameter of this space; parameters are " + byName.keySet());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            Object v = given.get(p.name());
            boolean active = isActive(p, out);
            if (!active) {
                if (v != null) {
                    throw new InvalidSpaceException("config." + p.name(), "is inactive because its condition on '"
                            + p.condition().parent() + "' is not met; leave it out");
                }
                continue;
            }
            if (v == null) {
                throw new InvalidSpaceException("config." + p.name(), "is missing; expected " + p.describeDomain());
            }
            // An integer-valued double for an int parameter, or an int for a float one, is accepted.
            if (p instanceof IntParameter && v instanceof Double d && d == Math.rint(d)) {
                v = d.longValue();
            } else if (p instanceof FloatParameter && v instanceof Long l) {
                v = l.doubleValue();
            }
            if (!p.contains(v)) {
                throw new InvalidSpaceException("config." + p.name(), v + " is outside the domain: " + p.describeDomain());
            }
            if (p instanceof CategoricalParameter cp) {
                v = cp.canonical(v);
            } else if (p instanceof OrdinalParameter op) {
                v = op.choices().get(op.indexOf(v));
            }
            out.put(p.name(), v);
        }
        return new Config(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchSpace s && s.parameters.equals(parameters);
    }

    @Override
    public int hashCode() {
        return parameters.hashCode();
    }

    @Override
    public String toString() {
        return "SearchSpace" + parameters;
    }
}
