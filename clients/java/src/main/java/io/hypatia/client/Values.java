package io.hypatia.client;

import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.ParameterValue;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Typed values to and from the wire; booleans travel as the strings "true"/"false". */
final class Values {
    private final Map<String, Parameter.DomainCase> kinds = new HashMap<>();
    private final Set<String> booleans = new HashSet<>();

    Values(SearchSpace space) {
        for (Parameter p : space.getParamsList()) {
            kinds.put(p.getName(), p.getDomainCase());
            List<Value> choices = p.hasCategorical() ? p.getCategorical().getChoicesList()
                    : p.hasOrdinal() ? p.getOrdinal().getChoicesList() : List.of();
            if (!choices.isEmpty() && choices.stream().allMatch(
                    c -> c.getStringValue().equals("true") || c.getStringValue().equals("false"))) {
                booleans.add(p.getName());
            }
        }
    }

    static Value toWire(Object v) {
        if (v instanceof Boolean b) {
            return Value.newBuilder().setStringValue(b ? "true" : "false").build();
        }
        if (v instanceof Integer || v instanceof Long) {
            return Value.newBuilder().setIntValue(((Number) v).longValue()).build();
        }
        if (v instanceof Double || v instanceof Float) {
            return Value.newBuilder().setFloatValue(((Number) v).doubleValue()).build();
        }
        if (v instanceof String s) {
            return Value.newBuilder().setStringValue(s).build();
        }
        throw new IllegalArgumentException("a parameter value must be Boolean, Integer, Long, Double or String: " + v);
    }

    Object fromWire(String name, Value v) {
        Parameter.DomainCase kind = kinds.get(name);
        if (kind == Parameter.DomainCase.INT) {
            return v.hasIntValue() ? v.getIntValue() : (long) v.getFloatValue();
        }
        if (kind == Parameter.DomainCase.FLOAT) {
            return v.hasFloatValue() ? v.getFloatValue() : (double) v.getIntValue();
        }
        return switch (v.getKindCase()) {
            case INT_VALUE -> v.getIntValue();
            case FLOAT_VALUE -> v.getFloatValue();
            default -> booleans.contains(name) ? (Object) v.getStringValue().equals("true") : v.getStringValue();
        };
    }

    Map<String, Object> config(List<ParameterValue> params) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParameterValue p : params) {
            out.put(p.getName(), fromWire(p.getName(), p.getValue()));
        }
        return out;
    }
}
