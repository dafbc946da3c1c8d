package io.hypatia.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.MaxResourceRaise;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Condition;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The store's JSON encoding of specs, configurations, values and attributes. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Writes doubles with Jackson's own shortest-digits writer: the JDK's was most of a row's encoding cost. */
    private static final ObjectWriter WRITER = MAPPER.writer().with(StreamWriteFeature.USE_FAST_DOUBLE_WRITER);

    private Json() {
    }

    static String write(JsonNode node) {
        try {
            return WRITER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + node, e); // a tree of plain values always encodes
        }
    }

    static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("corrupt JSON in store: " + text, e);
        }
    }

    static ObjectNode config(Config config) {
        ObjectNode o = MAPPER.createObjectNode();
        config.values().forEach((k, v) -> putValue(o, k, v));
        return o;
    }

    static Config config(JsonNode node) {
        Map<String, Object> values = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> values.put(e.getKey(), value(e.getValue())));
        return new Config(values);
    }

    private static void putValue(ObjectNode o, String key, Object v) {
        if (v instanceof Long l) {
            o.put(key, l);
        } else if (v instanceof Double d) {
            o.put(key, d);
        } else {
            o.put(key, String.valueOf(v));
        }
    }

    private static void addValue(ArrayNode a, Object v) {
        if (v instanceof Long l) {
            a.add(l);
        } else if (v instanceof Double d) {
            a.add(d);
        } else {
            a.add(String.valueOf(v));
        }
    }

    private static Object value(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        return n.asText();
    }

    static ArrayNode doubles(List<Double> values) {
        ArrayNode a = MAPPER.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    static List<Double> doubles(JsonNode node) {
        List<Double> out = new ArrayList<>();
        node.forEach(n -> out.add(n.doubleValue()));
        return out;
    }

    static ArrayNode decisions(List<DecisionRecord> decisions) {
        ArrayNode a = MAPPER.createArrayNode();
        for (DecisionRecord d : decisions) {
            a.addObject().put("step", d.step()).put("decision", d.decision()).put("rung", d.rung())
                    .put("reason", d.reason()).put("attempt", d.attempt()).put("at", d.atMillis());
        }
        return a;
    }

    static List<DecisionRecord> decisions(JsonNode node) {
        List<DecisionRecord> out = new ArrayList<>();
        for (JsonNode d : node) {
            out.add(new DecisionRecord(d.path("step").asDouble(), d.path("decision").asText(), d.path("rung").asInt(-1),
                    d.path("reason").asText(), d.path("attempt").asInt(), d.path("at").asLong()));
        }
        return out;
    }

    static ObjectNode strings(Map<String, String> map) {
        ObjectNode o = MAPPER.createObjectNode();
        new TreeMap<>(map).forEach(o::put);
        return o;
    }

    static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    static ObjectNode spec(StudySpec spec) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("name", spec.name());
        ArrayNode params = o.putArray("params");
        for (Parameter p : spec.space().parameters()) {
            params.add(parameter(p));
        }
        ArrayNode objectives = o.putArray("objectives");
        for (Objective obj : spec.objectives()) {
            objectives.addObject().put("name", obj.name()).put("direction", obj.direction().name());
        }
        o.set("sampler", plugin(spec.sampler()));
        o.set("scheduler", plugin(spec.scheduler()));
        if (spec.fidelity() != null) {
            o.putObject("fidelity").put("name", spec.fidelity().name()).put("min", spec.fidelity().min())
                    .put("max", spec.fidelity().max());
        }
        o.put("leaseMillis", spec.leaseMillis());
        o.put("onLeaseExpired", spec.onLeaseExpired().name());
        o.put("maxAttempts", spec.maxAttempts());
        o.put("samplerTimeoutMillis", spec.samplerTimeoutMillis());
        o.put("schedulerTimeoutMillis", spec.schedulerTimeoutMillis());
        o.put("onMissingPlugin", spec.onMissingPlugin().name());
        if (!spec.raises().isEmpty()) {
            ArrayNode raises = o.putArray("raises");
            for (MaxResourceRaise r : spec.raises()) {
                raises.addObject().put("previousMax", r.previousMax()).put("max", r.max()).put("firstTrialNumber", r.firstTrialNumber());
            }
        }
        return o;
    }

    static StudySpec spec(JsonNode o) {
        List<Parameter> params = new ArrayList<>();
        o.get("params").forEach(p -> params.add(parameter(p)));
        List<Objective> objectives = new ArrayList<>();
        o.get("objectives").forEach(n -> objectives.add(new Objective(n.get("name").asText(),
                Direction.valueOf(n.get("direction").asText()))));
        JsonNode f = o.get("fidelity");
        Fidelity fidelity = f == null ? null : new Fidelity(f.get("name").asText(), f.get("min").doubleValue(), f.get("max").doubleValue());
        List<MaxResourceRaise> raises = new ArrayList<>();
        if (o.has("raises")) {
            o.get("raises").forEach(r -> raises.add(new MaxResourceRaise(r.get("previousMax").doubleValue(),
                    r.get("max").doubleValue(), r.get("firstTrialNumber").intValue())));
        }
        return new StudySpec(o.get("name").asText(), SearchSpace.of(params), objectives, plugin(o.get("sampler")),
                plugin(o.get("scheduler")), fidelity, o.get("leaseMillis").longValue(),
                LeasePolicy.valueOf(o.get("onLeaseExpired").asText()), o.get("maxAttempts").intValue(),
                o.get("samplerTimeoutMillis").longValue(), o.get("schedulerTimeoutMillis").longValue(),
                // absent in studies stored before the policy existed: they fall back
                o.hasNonNull("onMissingPlugin") ? MissingPluginPolicy.valueOf(o.get("onMissingPlugin").asText())
                        : MissingPluginPolicy.FALLBACK, raises);
    }

    private static ObjectNode plugin(PluginRef ref) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("name", ref.name()).put("versionRange", ref.versionRange());
        o.set("config", strings(ref.config()));
        return o;
    }

    private static PluginRef plugin(JsonNode o) {
        return new PluginRef(o.get("name").asText(), o.get("versionRange").asText(), strings(o.get("config")));
    }

    private static ObjectNode parameter(Parameter p) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("name", p.name());
        if (p instanceof FloatParameter f) {
            o.put("type", "float").put("low", f.low()).put("high", f.high()).put("log", f.log());
        } else if (p instanceof IntParameter i) {
            o.put("type", "int").put("low", i.low()).put("high", i.high()).put("step", i.step()).put("log", i.log());
        } else if (p instanceof CategoricalParameter c) {
            o.put("type", "categorical");
            ArrayNode a = o.putArray("choices");
            c.choices().forEach(v -> addValue(a, v));
        } else if (p instanceof OrdinalParameter c) {
            o.put("type", "ordinal");
            ArrayNode a = o.putArray("choices");
            c.choices().forEach(v -> addValue(a, v));
        }
        if (p.condition() != null) {
            ObjectNode c = o.putObject("condition").put("parent", p.condition().parent());
            ArrayNode a = c.putArray("values");
            p.condition().values().forEach(v -> addValue(a, v));
        }
        return o;
    }

    private static Parameter parameter(JsonNode o) {
        String name = o.get("name").asText();
        Condition condition = null;
        if (o.has("condition")) {
            List<Object> values = new ArrayList<>();
            o.get("condition").get("values").forEach(v -> values.add(value(v)));
            condition = new Condition(o.get("condition").get("parent").asText(), values);
        }
        List<Object> choices = new ArrayList<>();
        if (o.has("choices")) {
            o.get("choices").forEach(v -> choices.add(value(v)));
        }
        return switch (o.get("type").asText()) {
            case "float" -> new FloatParameter(name, o.get("low").doubleValue(), o.get("high").doubleValue(),
                    o.get("log").booleanValue(), condition);
            case "int" -> new IntParameter(name, o.get("low").longValue(), o.get("high").longValue(),
                    o.get("step").longValue(), o.get("log").booleanValue(), condition);
            case "categorical" -> new CategoricalParameter(name, choices, condition);
            case "ordinal" -> new OrdinalParameter(name, choices, condition);
            default -> throw new IllegalStateException("unknown parameter type in store: " + o);
        };
    }
}
