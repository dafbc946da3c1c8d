package io.hypatia.benchmark.yahpo.internal;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Condition;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a ConfigSpace JSON document ({@code config_space.json}, json_format_version 0.2 as written
 * by ConfigSpace 0.4-0.6 and by YAHPO Gym) into Hypatia parameters.
 *
 * <ul>
 * <li>{@code uniform_float}, {@code uniform_int} (with {@code log}; an integer {@code q} becomes the
 * step), {@code categorical}, {@code ordinal} and {@code constant} are supported. Normal
 * distributions and quantised floats have no Hypatia equivalent and are rejected.</li>
 * <li>Conditions: {@code EQ} and {@code IN} on a categorical or ordinal parent become a
 * {@link Condition} with those values; {@code NEQ} becomes the complement; {@code LT}/{@code GT} on an
 * ordinal parent become the choices before/after the value; {@code OR} and {@code AND} of such
 * conditions on one parent become the union/intersection. A condition on a numeric parent, or a
 * conjunction over several parents, cannot be expressed by a single-parent {@link Condition} and is
 * rejected with a message naming the child.</li>
 * <li>Forbidden clauses are rejected (Hypatia spaces have none).</li>
 * <li>Parameters come back with every parent before its children (stable: otherwise in file
 * order), as {@link io.hypatia.api.space.SearchSpace#of} requires.</li>
 * </ul>
 */
final class ConfigSpaceReader {
    private ConfigSpaceReader() {
    }

    /** One hyperparameter of the file, its Hypatia form (condition attached) and its default. */
    record Hyperparameter(String name, String type, Parameter parameter, Object defaultValue, List<String> encodingKeys) {
        /** Lower bound of a numeric parameter. */
        double lower() {
            return parameter instanceof FloatParameter f ? f.low() : ((IntParameter) parameter).low();
        }

        /** Upper bound of a numeric parameter. */
        double upper() {
            return parameter instanceof FloatParameter f ? f.high() : ((IntParameter) parameter).high();
        }

        boolean isNumeric() {
            return parameter instanceof FloatParameter || parameter instanceof IntParameter;
        }

        /** The choices of a categorical or ordinal parameter (a constant has its value as only choice). */
        List<Object> choices() {
            if (parameter instanceof CategoricalParameter c) {
                return c.choices();
            }
            if (parameter instanceof OrdinalParameter o) {
                return o.choices();
            }
            throw new IllegalStateException(name + " is numeric");
        }
    }

    /** Parses {@code json}; {@code source} names the file in error messages. */
    static List<Hyperparameter> read(String json, String source) {
        Object root = Json.parse(json, source);
        if (!(root instanceof Map<?, ?> doc)) {
            throw new IllegalArgumentException(source + ": expected a JSON object with 'hyperparameters'");
        }
        List<Map<String, Object>> hps = objects(doc.get("hyperparameters"), source + ": hyperparameters");
        if (hps.isEmpty()) {
            throw new IllegalArgumentException(source + ": no hyperparameters");
        }
        List<Map<String, Object>> forbiddens = doc.get("forbiddens") == null ? List.of() : objects(doc.get("forbiddens"), source + ": forbiddens");
        if (!forbiddens.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + forbiddens.size()
                    + " forbidden clause(s); Hypatia search spaces cannot express forbidden combinations");
        }

        Map<String, Hyperparameter> byName = new LinkedHashMap<>();
        for (int i = 0; i < hps.size(); i++) {
            Hyperparameter hp = hyperparameter(hps.get(i), source + ": hyperparameters[" + i + "]");
            if (byName.put(hp.name(), hp) != null) {
                throw new IllegalArgumentException(source + ": hyperparameter '" + hp.name() + "' is declared twice");
            }
        }

        List<Map<String, Object>> conditions = doc.get("conditions") == null ? List.of() : objects(doc.get("conditions"), source + ": conditions");
        Map<String, Condition> conditionOf = new LinkedHashMap<>();
        for (int i = 0; i < conditions.size(); i++) {
            Map<String, Object> c = conditions.get(i);
            String where = source + ": conditions[" + i + "]";
            String child = string(c, "child", where);
            if (!byName.containsKey(child)) {
                throw new IllegalArgumentException(where + ": child '" + child + "' is not a hyperparameter");
            }
            Resolved r = resolve(c, byName, where + " (child '" + child + "')");
            Condition merged = new Condition(r.parent, r.values);
            if (conditionOf.containsKey(child)) {
                // ConfigSpace allows one condition per child; several would be an implicit AND.
                Condition before = conditionOf.get(child);
                if (!before.parent().equals(r.parent)) {
                    throw new IllegalArgumentException(where + ": '" + child + "' has conditions on two parents ('"
                            + before.parent() + "' and '" + r.parent + "'); a Hypatia condition has one parent");
                }
                merged = new Condition(r.parent, intersect(before.values(), r.values, where));
            }
            conditionOf.put(child, merged);
        }

        List<Hyperparameter> withConditions = new ArrayList<>();
        for (Hyperparameter hp : byName.values()) {
            Condition c = conditionOf.get(hp.name());
            withConditions.add(c == null ? hp : new Hyperparameter(hp.name(), hp.type(), withCondition(hp.parameter(), c),
                    hp.defaultValue(), hp.encodingKeys()));
        }
        return parentsFirst(withConditions, source);
    }

    private record Resolved(String parent, List<Object> values) {
    }

    private static Resolved resolve(Map<String, Object> c, Map<String, Hyperparameter> byName, String where) {
        String type = string(c, "type", where);
        if (type.equals("AND") || type.equals("OR")) {
            List<Map<String, Object>> parts = objects(c.get("conditions"), where + ": " + type + " conditions");
            if (parts.isEmpty()) {
                throw new IllegalArgumentException(where + ": empty " + type + " conjunction");
            }
            Resolved acc = null;
            for (Map<String, Object> part : parts) {
                Resolved r = resolve(part, byName, where);
                if (acc == null) {
                    acc = r;
                    continue;
                }
                if (!acc.parent.equals(r.parent)) {
                    throw new IllegalArgumentException(where + ": " + type + " conjunction over parents '" + acc.parent
                            + "' and '" + r.parent + "' cannot be expressed; a Hypatia condition has one parent");
                }
                acc = new Resolved(acc.parent, type.equals("OR") ? union(acc.values, r.values) : intersect(acc.values, r.values, where));
            }
            return acc;
        }
        String parentName = string(c, "parent", where);
        Hyperparameter parent = byName.get(parentName);
        if (parent == null) {
            throw new IllegalArgumentException(where + ": parent '" + parentName + "' is not a hyperparameter");
        }
        if (parent.isNumeric()) {
            throw new IllegalArgumentException(where + ": " + type + " condition on numeric parent '" + parentName
                    + "' cannot be expressed; Hypatia conditions need a categorical or ordinal parent");
        }
        List<Object> choices = parent.choices();
        switch (type) {
            case "EQ":
                return new Resolved(parentName, List.of(choice(parent, c.get("value"), where)));
            case "IN": {
                List<Object> values = new ArrayList<>();
                if (!(c.get("values") instanceof List<?> raw)) {
                    throw new IllegalArgumentException(where + ": IN condition without 'values'");
                }
                for (Object v : raw) {
                    values.add(choice(parent, v, where));
                }
                return new Resolved(parentName, values);
            }
            case "NEQ": {
                Object excluded = choice(parent, c.get("value"), where);
                List<Object> values = new ArrayList<>();
                for (Object v : choices) {
                    if (!Values.sameValue(v, excluded)) {
                        values.add(v);
                    }
                }
                return new Resolved(parentName, nonEmpty(values, where));
            }
            case "LT":
            case "GT": {
                if (!(parent.parameter() instanceof OrdinalParameter)) {
                    throw new IllegalArgumentException(where + ": " + type + " condition on categorical parent '" + parentName + "' has no order");
                }
                int k = choices.indexOf(choice(parent, c.get("value"), where));
                List<Object> values = type.equals("LT") ? choices.subList(0, k) : choices.subList(k + 1, choices.size());
                return new Resolved(parentName, nonEmpty(new ArrayList<>(values), where));
            }
            default:
                throw new IllegalArgumentException(where + ": unsupported condition type '" + type + "'");
        }
    }

    private static Hyperparameter hyperparameter(Map<String, Object> h, String where) {
        String name = string(h, "name", where);
        String type = string(h, "type", where);
        where = where + " ('" + name + "')";
        switch (type) {
            case "uniform_float": {
                if (h.get("q") != null) {
                    throw new IllegalArgumentException(where + ": quantised float (q=" + h.get("q") + ") is not supported");
                }
                double lower = number(h, "lower", where), upper = number(h, "upper", where);
                return new Hyperparameter(name, type, new FloatParameter(name, lower, upper, bool(h, "log")), h.get("default"), null);
            }
            case "uniform_int": {
                long step = 1;
                if (h.get("q") != null) {
                    double q = number(h, "q", where);
                    if (q != Math.rint(q) || q < 1) {
                        throw new IllegalArgumentException(where + ": integer q must be a positive integer, got " + q);
                    }
                    step = (long) q;
                }
                long lower = Math.round(number(h, "lower", where)), upper = Math.round(number(h, "upper", where));
                return new Hyperparameter(name, type, new IntParameter(name, lower, upper, step, bool(h, "log"), null), h.get("default"), null);
            }
            case "categorical":
            case "ordinal": {
                Object raw = h.get(type.equals("ordinal") ? "sequence" : "choices");
                if (!(raw instanceof List<?> list) || list.isEmpty()) {
                    throw new IllegalArgumentException(where + ": " + type + " without " + (type.equals("ordinal") ? "sequence" : "choices"));
                }
                List<Object> choices = new ArrayList<>();
                List<String> keys = new ArrayList<>();
                for (Object v : list) {
                    choices.add(choiceValue(v, where));
                    keys.add(encodingKey(v));
                }
                Parameter p = type.equals("ordinal") ? new OrdinalParameter(name, choices) : new CategoricalParameter(name, choices);
                return new Hyperparameter(name, type, p, h.get("default") == null ? null : choiceValue(h.get("default"), where), keys);
            }
            case "constant": {
                Object v = choiceValue(h.get("value"), where);
                return new Hyperparameter(name, type, new CategoricalParameter(name, List.of(v)), v, List.of(encodingKey(h.get("value"))));
            }
            default:
                throw new IllegalArgumentException(where + ": unsupported hyperparameter type '" + type + "'");
        }
    }

    private static Parameter withCondition(Parameter p, Condition c) {
        if (p instanceof FloatParameter f) {
            return new FloatParameter(f.name(), f.low(), f.high(), f.log(), c);
        }
        if (p instanceof IntParameter i) {
            return new IntParameter(i.name(), i.low(), i.high(), i.step(), i.log(), c);
        }
        if (p instanceof CategoricalParameter k) {
            return new CategoricalParameter(k.name(), k.choices(), c);
        }
        OrdinalParameter o = (OrdinalParameter) p;
        return new OrdinalParameter(o.name(), o.choices(), c);
    }

    /** Stable topological order: a parameter is emitted as soon as its parent has been. */
    private static List<Hyperparameter> parentsFirst(List<Hyperparameter> hps, String source) {
        List<Hyperparameter> out = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        List<Hyperparameter> pending = new ArrayList<>(hps);
        while (!pending.isEmpty()) {
            boolean progress = false;
            for (int i = 0; i < pending.size(); i++) {
                Hyperparameter hp = pending.get(i);
                Condition c = hp.parameter().condition();
                if (c == null || placed.contains(c.parent())) {
                    out.add(hp);
                    placed.add(hp.name());
                    pending.remove(i);
                    progress = true;
                    break;
                }
            }
            if (!progress) {
                throw new IllegalArgumentException(source + ": conditions form a cycle among " + pending.stream().map(Hyperparameter::name).toList());
            }
        }
        return out;
    }

    private static Object choice(Hyperparameter parent, Object raw, String where) {
        Object v = choiceValue(raw, where);
        for (Object c : parent.choices()) {
            if (Values.sameValue(c, v)) {
                return c;
            }
        }
        throw new IllegalArgumentException(where + ": " + raw + " is not a choice of parent '" + parent.name() + "' " + parent.choices());
    }

    private static List<Object> union(List<Object> a, List<Object> b) {
        List<Object> out = new ArrayList<>(a);
        for (Object v : b) {
            if (out.stream().noneMatch(x -> Values.sameValue(x, v))) {
                out.add(v);
            }
        }
        return out;
    }

    private static List<Object> intersect(List<Object> a, List<Object> b, String where) {
        List<Object> out = new ArrayList<>();
        for (Object v : a) {
            if (b.stream().anyMatch(x -> Values.sameValue(x, v))) {
                out.add(v);
            }
        }
        return nonEmpty(out, where);
    }

    private static List<Object> nonEmpty(List<Object> values, String where) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException(where + ": the condition can never be met");
        }
        return values;
    }

    /** A JSON choice as a Hypatia value: strings and numbers as they are, booleans as "True"/"False" (Python's str). */
    private static Object choiceValue(Object v, String where) {
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof String || v instanceof Long || v instanceof Double) {
            return v;
        }
        throw new IllegalArgumentException(where + ": choice " + v + " is not a string, number or boolean");
    }

    /** How YAHPO's encoding.json spells a choice: Python's str() of the value. */
    static String encodingKey(Object v) {
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objects(Object v, String where) {
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException(where + ": expected a list");
        }
        for (Object o : list) {
            if (!(o instanceof Map)) {
                throw new IllegalArgumentException(where + ": expected a list of objects");
            }
        }
        return (List<Map<String, Object>>) list;
    }

    private static String string(Map<String, Object> m, String key, String where) {
        if (!(m.get(key) instanceof String s)) {
            throw new IllegalArgumentException(where + ": missing string '" + key + "'");
        }
        return s;
    }

    private static double number(Map<String, Object> m, String key, String where) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalArgumentException(where + ": missing number '" + key + "'");
        }
        return n.doubleValue();
    }

    private static boolean bool(Map<String, Object> m, String key) {
        return Boolean.TRUE.equals(m.get(key));
    }
}
