package io.hypatia.benchmark.yahpo.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plain-Java entry to the YAHPO benchmarks, usable without OSGi. A YAHPO data directory holds one
 * folder per scenario ({@code lcbench/}, {@code rbv2_xgboost/}, ...) with {@code config_space.json},
 * {@code encoding.json} and {@code model.onnx}: the {@code yahpo/} folder of the shared data, or a
 * checkout of the {@code yahpo_data} repository (v1.0 surrogates).
 *
 * <p>Benchmark names: {@code yahpo-<scenario>} is the scenario's first instance in
 * {@code config_space.json}; {@code yahpo-<scenario>-<instance>} any instance, e.g.
 * {@code yahpo-lcbench-3945} or {@code yahpo-rbv2_xgboost-12}.
 */
public final class YahpoBenchmarks {
    /** Prefix of every benchmark name of this bundle. */
    public static final String PREFIX = "yahpo-";

    private YahpoBenchmarks() {
    }

    /** The known scenarios whose folder under {@code yahpoDir} holds all three files. */
    public static List<Scenario> find(Path yahpoDir) throws IOException {
        if (!Files.isDirectory(yahpoDir)) {
            throw new NoSuchFileException(yahpoDir.toAbsolutePath().toString(), null,
                    "YAHPO data not found; expected a folder with one sub-folder per scenario (lcbench/, rbv2_xgboost/, rbv2_rpart/,"
                            + " iaml_glmnet/) holding config_space.json, encoding.json and model.onnx (see shared/data/README.md)");
        }
        List<Scenario> found = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            Path dir = yahpoDir.resolve(s.id());
            if (Files.isRegularFile(dir.resolve(YahpoScenario.CONFIG_SPACE)) && Files.isRegularFile(dir.resolve(YahpoScenario.ENCODING))
                    && Files.isRegularFile(dir.resolve(YahpoScenario.MODEL))) {
                found.add(s);
            }
        }
        if (found.isEmpty()) {
            throw new NoSuchFileException(yahpoDir.toAbsolutePath().toString(), null,
                    "no YAHPO scenario found; expected any of " + Arrays.stream(Scenario.values()).map(Scenario::id).toList()
                            + " as a sub-folder with config_space.json, encoding.json and model.onnx");
        }
        return found;
    }

    /** Opens one scenario (reads its JSON files; the ONNX model loads on first evaluation). */
    public static YahpoScenario open(Path yahpoDir, Scenario scenario) throws IOException {
        return YahpoScenario.open(scenario, yahpoDir.resolve(scenario.id()));
    }

    /** Opens every scenario found under {@code yahpoDir}. */
    public static Map<Scenario, YahpoScenario> openAll(Path yahpoDir) throws IOException {
        Map<Scenario, YahpoScenario> out = new LinkedHashMap<>();
        for (Scenario s : find(yahpoDir)) {
            out.put(s, open(yahpoDir, s));
        }
        return out;
    }

    /**
     * Opens the benchmark of a name such as {@code yahpo-lcbench-3945} or {@code yahpo-iaml_glmnet}.
     * The scenario is opened for this benchmark alone; to share one ONNX session between instances,
     * open the scenario once and call {@link YahpoScenario#benchmark(String)}.
     */
    public static YahpoBenchmark benchmark(Path yahpoDir, String name) throws IOException {
        BenchmarkName n = parseName(name).orElseThrow(() -> new IllegalArgumentException("'" + name
                + "' is not a YAHPO benchmark name; expected " + PREFIX + "<scenario>[-<instance>] with scenario one of "
                + Arrays.stream(Scenario.values()).map(Scenario::id).toList()));
        YahpoScenario scenario = open(yahpoDir, n.scenario());
        return n.instance() == null ? scenario.defaultBenchmark() : scenario.benchmark(n.instance());
    }

    /** A parsed benchmark name; {@code instance} is null for the scenario's default instance. */
    public record BenchmarkName(Scenario scenario, String instance) {
    }

    /** Parses {@code yahpo-<scenario>} or {@code yahpo-<scenario>-<instance>}; empty when it is neither. */
    public static Optional<BenchmarkName> parseName(String name) {
        if (name == null || !name.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = name.substring(PREFIX.length());
        for (Scenario s : Scenario.values()) {
            if (rest.equals(s.id())) {
                return Optional.of(new BenchmarkName(s, null));
            }
            if (rest.startsWith(s.id() + "-") && rest.length() > s.id().length() + 1) {
                return Optional.of(new BenchmarkName(s, rest.substring(s.id().length() + 1)));
            }
        }
        return Optional.empty();
    }
}
