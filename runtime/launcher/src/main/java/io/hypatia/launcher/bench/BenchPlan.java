package io.hypatia.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code hypatia bench} runs: optimizers x benchmarks x seeds, and how. Built from a JSON
 * file ({@code --config}) with the option names as keys (dashes or underscores), then from the
 * command line, whose options win.
 *
 * @param benchmarks benchmark names or globs ({@code fcnet-*}, {@code *}) matched against the loaded ones
 * @param maxTime    simulated seconds per run; infinity for no limit
 * @param checkpoints trial counts at which the summary also reports regret
 */
public record BenchPlan(List<OptimizerSpec> optimizers, List<String> benchmarks, List<Long> seeds, int trials,
                        int workers, Mode mode, Path out, Path benchmarkData, double maxTime, int parallel,
                        List<Integer> checkpoints, double stepSize) {

    /** In-process: the engine called directly, simulated workers one after the other (reproducible). Service: gRPC, worker threads. */
    public enum Mode {
        IN_PROCESS, SERVICE;

        static Mode parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "in-process", "inprocess", "in_process" -> IN_PROCESS;
                case "service", "grpc" -> SERVICE;
                default -> throw new BenchException("--mode must be in-process or service, got '" + s + "'");
            };
        }

        String label() {
            return this == IN_PROCESS ? "in-process" : "service";
        }
    }

    /** Options taking a value, shared by the command line and the JSON file. */
    static final Set<String> OPTIONS = Set.of("optimizers", "benchmarks", "seeds", "trials", "workers", "mode", "out",
            "benchmark-data", "max-time", "parallel", "checkpoints", "step-size", "config", "deploy-dir", "system-dir");

    /** Options that only make sense on the command line. */
    private static final Set<String> NOT_IN_FILE = Set.of("config", "deploy-dir", "system-dir");

    public BenchPlan {
        optimizers = List.copyOf(optimizers);
        benchmarks = List.copyOf(benchmarks);
        seeds = List.copyOf(seeds);
        checkpoints = List.copyOf(checkpoints);
    }

    static BenchPlan from(CliOptions cli) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (cli.has("config")) {
            settings.putAll(readJson(Path.of(cli.get("config"))));
        }
        for (String name : OPTIONS) {
            if (cli.has(name)) {
                settings.put(name, cli.get(name));
            }
        }
        return from(settings);
    }

    static BenchPlan from(Map<String, String> s) {
        String optimizers = s.get("optimizers");
        String benchmarks = s.get("benchmarks");
        if (optimizers == null || optimizers.isBlank()) {
            throw new BenchException("--optimizers is required, e.g. --optimizers random,random+median:min_completed=3");
        }
        if (benchmarks == null || benchmarks.isBlank()) {
            throw new BenchException("--benchmarks is required, e.g. --benchmarks branin,hartmann6 (globs such as 'fcnet-*' work)");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        String data = s.getOrDefault("benchmark-data", System.getenv("HYPATIA_BENCHMARK_DATA"));
        return new BenchPlan(parseOptimizers(optimizers), splitList(benchmarks), parseSeeds(s.getOrDefault("seeds", "10")),
                integer(s, "trials", 100, 1, 10_000_000), integer(s, "workers", 1, 1, 4096),
                Mode.parse(s.getOrDefault("mode", "in-process")), Path.of(s.getOrDefault("out", "bench-results")),
                data == null || data.isBlank() ? null : Path.of(data), positive(s, "max-time", Double.POSITIVE_INFINITY),
                integer(s, "parallel", cores, 1, 1024), parseCheckpoints(s.get("checkpoints")),
                positive(s, "step-size", 1));
    }

    /**
     * Splits an optimizer list on commas; a piece of the form {@code key=value} continues the
     * settings of the optimizer before it, so {@code random+median:min_completed=3,warmup_steps=2,random}
     * is two optimizers, and {@code tpe:a=1,b=2+hyperband} is one.
     */
    static List<OptimizerSpec> parseOptimizers(String text) {
        List<String> merged = new ArrayList<>();
        for (String piece : text.split(",")) {
            String p = piece.trim();
            String head = p.contains("+") ? p.substring(0, p.indexOf('+')) : p; // "k=v+scheduler" ends the sampler's settings
            boolean setting = head.contains("=") && !head.contains(":");
            if (setting && !merged.isEmpty()) {
                merged.set(merged.size() - 1, merged.get(merged.size() - 1) + "," + p);
            } else if (!p.isEmpty()) {
                merged.add(p);
            }
        }
        List<OptimizerSpec> out = new ArrayList<>();
        for (String m : merged) {
            OptimizerSpec spec = OptimizerSpec.parse(m);
            if (out.stream().anyMatch(o -> o.label().equals(spec.label()))) {
                throw new BenchException("optimizer '" + m + "' is listed twice");
            }
            out.add(spec);
        }
        return out;
    }

    /** {@code 20} means seeds 1..20; {@code 5..9} a range; {@code 3,7,11} a list. Seed 0 is the unshifted textbook function. */
    static List<Long> parseSeeds(String text) {
        String t = text.trim();
        List<Long> out = new ArrayList<>();
        try {
            if (t.contains("..")) {
                long a = Long.parseLong(t.substring(0, t.indexOf("..")).trim());
                long b = Long.parseLong(t.substring(t.indexOf("..") + 2).trim());
                if (b < a) {
                    throw new BenchException("--seeds range " + t + " is empty");
                }
                for (long v = a; v <= b; v++) {
                    out.add(v);
                }
            } else if (t.contains(",")) {
                for (String p : t.split(",")) {
                    out.add(Long.parseLong(p.trim()));
                }
            } else {
                long n = Long.parseLong(t);
                if (n < 1) {
                    throw new BenchException("--seeds must be at least 1, got " + n);
                }
                for (long v = 1; v <= n; v++) {
                    out.add(v);
                }
            }
        } catch (NumberFormatException e) {
            throw new BenchException("--seeds must be a count (20), a range (1..20) or a list (1,5,9), got '" + t + "'");
        }
        if (out.stream().distinct().count() != out.size()) {
            throw new BenchException("--seeds lists a seed twice: " + t);
        }
        return out;
    }

    static List<Integer> parseCheckpoints(String text) {
        List<Integer> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String p : text.split(",")) {
            try {
                int k = Integer.parseInt(p.trim());
                if (k < 1) {
                    throw new NumberFormatException();
                }
                out.add(k);
            } catch (NumberFormatException e) {
                throw new BenchException("--checkpoints must be positive trial counts such as 50,100,200, got '" + p.trim() + "'");
            }
        }
        return out.stream().distinct().sorted().toList();
    }

    static List<String> splitList(String text) {
        List<String> out = new ArrayList<>();
        for (String p : text.split(",")) {
            if (!p.isBlank()) {
                out.add(p.trim());
            }
        }
        return out;
    }

    private static int integer(Map<String, String> s, String name, int fallback, int min, int max) {
        String v = s.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new BenchException("--" + name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new BenchException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    private static double positive(Map<String, String> s, String name, double fallback) {
        String v = s.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d > 0)) {
                throw new BenchException("--" + name + " must be positive, got " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new BenchException("--" + name + " must be a number, got '" + v + "'");
        }
    }

    /** Reads a plan file: an object whose keys are option names; lists may be JSON arrays. */
    static Map<String, String> readJson(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new BenchException("cannot read plan file " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BenchException("plan file " + file + " must hold a JSON object such as {\"optimizers\": [\"random\"], ...}");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey().replace('_', '-');
            if (!OPTIONS.contains(key) || NOT_IN_FILE.contains(key)) {
                throw new BenchException("plan file " + file + ": unknown key '" + e.getKey() + "'; keys are "
                        + OPTIONS.stream().filter(k -> !NOT_IN_FILE.contains(k)).sorted().toList());
            }
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue; // as if absent (plan.json writes max_time null for "no limit")
            }
            if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(item -> items.add(item.asText()));
                out.put(key, String.join(",", items));
            } else if (v.isValueNode()) {
                out.put(key, v.asText());
            } else {
                throw new BenchException("plan file " + file + ": '" + e.getKey() + "' must be a value or a list");
            }
        }
        return out;
    }

    /** The plan as JSON, written next to the results so a run can be repeated. */
    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizers", optimizers.stream().map(OptimizerSpec::label).toList());
        m.put("benchmarks", benchmarks);
        m.put("seeds", seeds);
        m.put("trials", trials);
        m.put("workers", workers);
        m.put("mode", mode.label());
        m.put("max_time", Double.isInfinite(maxTime) ? null : maxTime);
        m.put("parallel", parallel);
        m.put("checkpoints", checkpoints);
        m.put("step_size", stepSize);
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
