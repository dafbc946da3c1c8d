package io.hypatia.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.benchmark.Evaluation;
import io.hypatia.api.space.Config;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Serves one benchmark's evaluations line by line, so a script in another language (the Optuna
 * comparison) evaluates exactly the model Hypatia's runs see (the YAHPO surrogates are ONNX
 * models run by ONNX Runtime for Java) without re-implementing it.
 *
 * <p>The first line written describes the benchmark: {@code {"benchmark", "space" (in the
 * test-point table's notation), "objective", "direction", "fidelity": {"name","min","max"},
 * "optimum"}}. Then each request line {@code {"config": {...}, "budget": r, "seed": s}} is
 * answered by one line {@code {"values": [...], "cost": c}}, or {@code {"error": "..."}} naming
 * the bad field; the server ends at end of input. A request may give {@code "budgets": [r1, r2, ...]}
 * instead of one budget: it is answered with {@code {"curve": [{"values", "cost"}, ...]}}, one entry
 * per budget in order, so a client that needs several steps of one configuration pays one round
 * trip instead of one per step (on a busy machine each round trip waits for a core).
 */
final class EvalServer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Benchmark benchmark;

    EvalServer(Benchmark benchmark) {
        this.benchmark = benchmark;
    }

    String describe() {
        ObjectNode d = JSON.createObjectNode();
        d.put("benchmark", benchmark.name());
        d.put("space", TestPoints.space(benchmark.space()));
        d.put("objective", benchmark.objectives().get(0).name());
        d.put("direction", benchmark.objectives().get(0).direction().name().toLowerCase(java.util.Locale.ROOT));
        benchmark.fidelity().ifPresent(f -> d.putObject("fidelity").put("name", f.name()).put("min", f.min()).put("max", f.max()));
        if (benchmark.optimalValue().isPresent()) {
            d.put("optimum", benchmark.optimalValue().getAsDouble());
        } else {
            d.putNull("optimum");
        }
        return d.toString();
    }

    /** Answers one request line. */
    String answer(String line) {
        ObjectNode out = JSON.createObjectNode();
        try {
            JsonNode request = JSON.readTree(line);
            if (request == null || !request.isObject()) {
                throw new IllegalArgumentException("request: expected a JSON object");
            }
            JsonNode config = request.get("config");
            if (config == null || !config.isObject()) {
                throw new IllegalArgumentException("config: expected a JSON object of parameter values");
            }
            JsonNode budget = request.get("budget");
            if (budget != null && !budget.isNumber()) {
                throw new IllegalArgumentException("budget: expected a number");
            }
            JsonNode budgets = request.get("budgets");
            if (budgets != null && (budget != null || !budgets.isArray() || budgets.isEmpty())) {
                throw new IllegalArgumentException("budgets: expected a non-empty array of numbers, instead of budget");
            }
            JsonNode seed = request.get("seed");
            if (seed != null && !seed.canConvertToLong()) {
                throw new IllegalArgumentException("seed: expected an integer");
            }
            Config c = benchmark.space().validate(toConfig(config));
            long s = seed == null ? 0 : seed.asLong();
            if (budgets != null) {
                var curve = out.putArray("curve");
                for (JsonNode b : budgets) {
                    if (!b.isNumber()) {
                        throw new IllegalArgumentException("budgets: expected numbers, got " + b);
                    }
                    put(curve.addObject(), benchmark.evaluate(c, b.asDouble(), s));
                }
            } else {
                double r = budget == null ? benchmark.fidelity().map(f -> f.max()).orElse(0.0) : budget.asDouble();
                put(out, benchmark.evaluate(c, r, s));
            }
        } catch (IOException | RuntimeException ex) {
            out.removeAll();
            out.put("error", ex.getMessage() == null ? ex.toString() : ex.getMessage());
        }
        return out.toString();
    }

    private static void put(ObjectNode out, Evaluation e) {
        var values = out.putArray("values");
        e.values().forEach(values::add);
        out.put("cost", e.cost());
    }

    private static Config toConfig(JsonNode node) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            Object value;
            if (v.isIntegralNumber()) {
                value = v.asLong();
            } else if (v.isNumber()) {
                value = v.asDouble();
            } else if (v.isTextual()) {
                value = v.asText();
            } else if (v.isBoolean()) {
                value = v.asBoolean();
            } else {
                throw new IllegalArgumentException("config." + f.getKey() + ": expected a number, string or boolean");
            }
            values.put(f.getKey(), value);
        }
        return Config.of(values);
    }

    /** Describes the benchmark, then answers every line of {@code in} until it ends. */
    void serve(BufferedReader in, PrintWriter out) throws IOException {
        out.println(describe());
        out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isBlank()) {
                out.println(answer(line));
                out.flush();
            }
        }
    }
}
