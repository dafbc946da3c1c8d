package io.hypatia.api.space;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable assignment of values to the active parameters of a search space, in the
 * space's declaration order. Inactive conditional parameters are absent.
 */
public record Config(Map<String, Object> values) {

    public Config {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, Values.normalise(v)));
        values = Collections.unmodifiableMap(copy);
    }

    public static Config of(Map<String, ?> values) {
        return new Config(new LinkedHashMap<>(values));
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Object get(String name) {
        return values.get(name);
    }

    public double getDouble(String name) {
        return ((Number) require(name)).doubleValue();
    }

    public long getLong(String name) {
        return ((Number) require(name)).longValue();
    }

    public String getString(String name) {
        return require(name).toString();
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("configuration has no value for '" + name + "'; it has " + values.keySet());
        }
        return v;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
