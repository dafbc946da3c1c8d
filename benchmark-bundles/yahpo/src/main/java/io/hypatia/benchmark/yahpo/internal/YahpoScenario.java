package io.hypatia.benchmark.yahpo.internal;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.InvalidSpaceException;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One YAHPO scenario read from its folder: the search space from {@code config_space.json}, the
 * integer codes from {@code encoding.json}, and the surrogate {@code model.onnx}, which is opened on
 * the first prediction and shared by every instance's {@link YahpoBenchmark}.
 *
 * <p>The tunable search space is the file's space without the instance parameter, the fidelity
 * parameter, the parameters held fixed ({@code repl}) and constants. Inputs are encoded as YAHPO
 * Gym does: categorical values by their code in {@code encoding.json}, continuous values raw
 * (no log transform), an inactive conditional parameter as {@code #na#} (categorical) or 0
 * (continuous).
 */
public final class YahpoScenario implements AutoCloseable {
    static final String CONFIG_SPACE = "config_space.json";
    static final String ENCODING = "encoding.json";
    static final String MODEL = "model.onnx";
    static final String NA = "#na#";

    private final Scenario scenario;
    private final Path dir;
    private final SearchSpace space;
    private final Config defaultConfig;
    private final List<String> instances;
    private final Map<String, Integer> instanceCodes;
    private final Fidelity fidelity;
    private final Input[] catInputs;
    private final Input[] contInputs;
    private final int[] targetIndex;
    private volatile Surrogate surrogate;
    private volatile boolean closed;

    /** Where one model input comes from. */
    private enum Source { INSTANCE, FIDELITY, FIXED, PARAMETER }

    /**
     * One input column: its source, and for a categorical parameter the code of each choice (in the
     * parameter's choice order) and of {@code #na#}.
     */
    private record Input(String name, Source source, float fixedValue, int fixedCode, Parameter parameter, int[] codes, int naCode) {
    }

    private YahpoScenario(Scenario scenario, Path dir, SearchSpace space, Config defaultConfig, List<String> instances,
            Map<String, Integer> instanceCodes, Fidelity fidelity, Input[] catInputs, Input[] contInputs) {
        this.scenario = scenario;
        this.dir = dir;
        this.space = space;
        this.defaultConfig = defaultConfig;
        this.instances = List.copyOf(instances);
        this.instanceCodes = instanceCodes;
        this.fidelity = fidelity;
        this.catInputs = catInputs;
        this.contInputs = contInputs;
        this.targetIndex = new int[] {
                scenario.targets().indexOf(scenario.objectiveTarget()),
                scenario.targets().indexOf(scenario.runtimeTarget())};
    }

    /**
     * Reads the scenario's {@code config_space.json} and {@code encoding.json} from {@code dir} (the
     * scenario's folder, e.g. {@code .../yahpo/lcbench}) and checks that {@code model.onnx} is there;
     * the model itself is loaded on first use.
     */
    public static YahpoScenario open(Scenario scenario, Path dir) throws IOException {
        for (String f : List.of(CONFIG_SPACE, ENCODING, MODEL)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new NoSuchFileException(dir.resolve(f).toString(), null,
                        "YAHPO scenario " + scenario.id() + " needs " + CONFIG_SPACE + ", " + ENCODING + " and " + MODEL + " in " + dir);
            }
        }
        String source = dir.resolve(CONFIG_SPACE).toString();
        try {
            List<ConfigSpaceReader.Hyperparameter> hps = ConfigSpaceReader.read(Files.readString(dir.resolve(CONFIG_SPACE), StandardCharsets.UTF_8), source);
            Map<String, Map<String, Integer>> encoding = readEncoding(dir.resolve(ENCODING));
            return build(scenario, dir, hps, encoding);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static YahpoScenario build(Scenario scenario, Path dir, List<ConfigSpaceReader.Hyperparameter> hps,
            Map<String, Map<String, Integer>> encoding) throws IOException {
        String where = dir.resolve(CONFIG_SPACE).toString();
        Map<String, ConfigSpaceReader.Hyperparameter> byName = new LinkedHashMap<>();
        hps.forEach(h -> byName.put(h.name(), h));
        for (String input : concat(scenario.categoricalInputs(), scenario.continuousInputs())) {
            if (!byName.containsKey(input)) {
                throw new IOException(where + ": the surrogate input '" + input + "' of " + scenario.id() + " is not a hyperparameter of the file");
            }
        }
        for (String name : byName.keySet()) {
            if (!scenario.categoricalInputs().contains(name) && !scenario.continuousInputs().contains(name)) {
                throw new IOException(where + ": hyperparameter '" + name + "' is no input of the " + scenario.id() + " surrogate "
                        + concat(scenario.categoricalInputs(), scenario.continuousInputs()));
            }
        }

        // Instance
        ConfigSpaceReader.Hyperparameter instanceHp = byName.get(scenario.instanceParameter());
        if (instanceHp.isNumeric() || instanceHp.parameter().condition() != null) {
            throw new IOException(where + ": instance parameter '" + scenario.instanceParameter() + "' must be an unconditional categorical");
        }
        List<String> instances = new ArrayList<>();
        Map<String, Integer> instanceCodes = new HashMap<>();
        Map<String, Integer> instanceEncoding = encodingOf(encoding, scenario.instanceParameter(), dir);
        for (int k = 0; k < instanceHp.choices().size(); k++) {
            String id = instanceHp.encodingKeys().get(k);
            Integer code = instanceEncoding.get(id);
            if (code == null) {
                throw new IOException(dir.resolve(ENCODING) + ": no code for instance " + scenario.instanceParameter() + "=" + id);
            }
            instances.add(id);
            instanceCodes.put(id, code);
        }

        // Fidelity and fixed parameters
        ConfigSpaceReader.Hyperparameter fid = byName.get(scenario.fidelityParameter());
        if (!fid.isNumeric() || !scenario.continuousInputs().contains(fid.name())) {
            throw new IOException(where + ": fidelity '" + fid.name() + "' must be a numeric continuous input");
        }
        Fidelity fidelity = new Fidelity(fid.name(), fid.lower(), fid.upper());
        for (String f : scenario.fixedAtMax()) {
            if (!byName.get(f).isNumeric()) {
                throw new IOException(where + ": fixed fidelity parameter '" + f + "' must be numeric");
            }
        }

        // Tunable space: everything else, parents before children as the reader ordered them.
        List<Parameter> tunable = new ArrayList<>();
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (ConfigSpaceReader.Hyperparameter h : hps) {
            if (!isTunable(scenario, h)) {
                continue;
            }
            Parameter p = h.parameter();
            if (p.condition() != null && !isTunable(scenario, byName.get(p.condition().parent()))) {
                throw new IOException(where + ": '" + h.name() + "' is conditional on '" + p.condition().parent()
                        + "', which is not a tunable parameter of the benchmark");
            }
            tunable.add(p);
            if (h.defaultValue() != null) {
                defaults.put(h.name(), p instanceof IntParameter && h.defaultValue() instanceof Number n ? (Object) Math.round(n.doubleValue()) : h.defaultValue());
            }
        }
        SearchSpace space;
        try {
            space = SearchSpace.of(tunable);
        } catch (InvalidSpaceException e) {
            throw new IOException(where + ": the search space is invalid: " + e.getMessage(), e);
        }
        Map<String, Object> active = new LinkedHashMap<>();
        for (Parameter p : space.parameters()) {
            if (space.isActive(p, active) && defaults.containsKey(p.name())) {
                active.put(p.name(), defaults.get(p.name()));
            }
        }
        Config defaultConfig;
        try {
            defaultConfig = space.validate(new Config(active));
        } catch (InvalidSpaceException e) {
            defaultConfig = null; // a file without (valid) defaults; nothing depends on them
        }

        // Input plans
        Input[] cat = new Input[scenario.categoricalInputs().size()];
        for (int i = 0; i < cat.length; i++) {
            String name = scenario.categoricalInputs().get(i);
            ConfigSpaceReader.Hyperparameter h = byName.get(name);
            if (name.equals(scenario.instanceParameter())) {
                cat[i] = new Input(name, Source.INSTANCE, 0, -1, null, null, -1);
                continue;
            }
            if (h.isNumeric()) {
                throw new IOException(where + ": '" + name + "' is a categorical input of the surrogate but numeric in the file");
            }
            Map<String, Integer> codes = encodingOf(encoding, name, dir);
            int[] choiceCodes = new int[h.choices().size()];
            for (int k = 0; k < choiceCodes.length; k++) {
                Integer code = codes.get(h.encodingKeys().get(k));
                if (code == null) {
                    throw new IOException(dir.resolve(ENCODING) + ": no code for " + name + "=" + h.encodingKeys().get(k));
                }
                choiceCodes[k] = code;
            }
            int na = codes.getOrDefault(NA, -1);
            if (h.type().equals("constant")) {
                cat[i] = new Input(name, Source.FIXED, 0, choiceCodes[0], null, null, na);
            } else {
                if (na < 0 && h.parameter().condition() != null) {
                    throw new IOException(dir.resolve(ENCODING) + ": conditional '" + name + "' has no " + NA + " code");
                }
                cat[i] = new Input(name, Source.PARAMETER, 0, -1, h.parameter(), choiceCodes, na);
            }
        }
        Input[] cont = new Input[scenario.continuousInputs().size()];
        for (int i = 0; i < cont.length; i++) {
            String name = scenario.continuousInputs().get(i);
            ConfigSpaceReader.Hyperparameter h = byName.get(name);
            if (name.equals(scenario.fidelityParameter())) {
                cont[i] = new Input(name, Source.FIDELITY, 0, -1, null, null, -1);
            } else if (scenario.fixedAtMax().contains(name)) {
                cont[i] = new Input(name, Source.FIXED, (float) h.upper(), -1, null, null, -1);
            } else if (h.type().equals("constant")) {
                if (!(h.defaultValue() instanceof Number n)) {
                    throw new IOException(where + ": constant '" + name + "' is a continuous input but not a number");
                }
                cont[i] = new Input(name, Source.FIXED, n.floatValue(), -1, null, null, -1);
            } else if (h.isNumeric()) {
                cont[i] = new Input(name, Source.PARAMETER, 0, -1, h.parameter(), null, -1);
            } else {
                throw new IOException(where + ": '" + name + "' is a continuous input of the surrogate but " + h.type() + " in the file");
            }
        }
        return new YahpoScenario(scenario, dir, space, defaultConfig, instances, instanceCodes, fidelity, cat, cont);
    }

    private static boolean isTunable(Scenario scenario, ConfigSpaceReader.Hyperparameter h) {
        String n = h.name();
        return !n.equals(scenario.instanceParameter()) && !n.equals(scenario.fidelityParameter())
                && !scenario.fixedAtMax().contains(n) && !h.type().equals("constant");
    }

    private static Map<String, Map<String, Integer>> readEncoding(Path file) throws IOException {
        Object root = Json.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        if (!(root instanceof Map<?, ?> m)) {
            throw new IOException(file + ": expected an object of {parameter: {value: code}}");
        }
        Map<String, Map<String, Integer>> out = new HashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> codes)) {
                throw new IOException(file + ": '" + e.getKey() + "' is not an object of {value: code}");
            }
            Map<String, Integer> c = new HashMap<>();
            for (Map.Entry<?, ?> v : codes.entrySet()) {
                if (!(v.getValue() instanceof Long code) || code < 0 || code > Integer.MAX_VALUE) {
                    throw new IOException(file + ": code of " + e.getKey() + "=" + v.getKey() + " is not a non-negative integer");
                }
                c.put((String) v.getKey(), code.intValue());
            }
            out.put((String) e.getKey(), c);
        }
        return out;
    }

    private static Map<String, Integer> encodingOf(Map<String, Map<String, Integer>> encoding, String name, Path dir) throws IOException {
        Map<String, Integer> codes = encoding.get(name);
        if (codes == null) {
            throw new IOException(dir.resolve(ENCODING) + ": no codes for categorical input '" + name + "'");
        }
        return codes;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    public Scenario scenario() {
        return scenario;
    }

    /** The scenario's folder. */
    public Path dir() {
        return dir;
    }

    /** The tunable search space (no instance, fidelity or fixed parameters). */
    public SearchSpace space() {
        return space;
    }

    /** The file's default configuration (ConfigSpace defaults, inactive parameters left out), or null. */
    public Config defaultConfig() {
        return defaultConfig;
    }

    /** The instances in the order of {@code config_space.json}; the first is the scenario's default. */
    public List<String> instances() {
        return instances;
    }

    public String defaultInstance() {
        return instances.get(0);
    }

    public Fidelity fidelity() {
        return fidelity;
    }

    /** The benchmark of one instance; throws when the scenario has no such instance. */
    public YahpoBenchmark benchmark(String instance) {
        return new YahpoBenchmark(this, instance, scenario.benchmarkName(instance));
    }

    /** The benchmark of the default instance, named {@code yahpo-<scenario>}. */
    public YahpoBenchmark defaultBenchmark() {
        return new YahpoBenchmark(this, defaultInstance(), scenario.defaultBenchmarkName());
    }

    /** True once the ONNX model has been loaded. */
    public boolean isLoaded() {
        return surrogate != null;
    }

    /** The ONNX session, loaded on first call and then shared by all instances of the scenario. */
    Surrogate surrogate() {
        Surrogate s = surrogate;
        if (s == null) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("YAHPO scenario " + scenario.id() + " is closed");
                }
                s = surrogate;
                if (s == null) {
                    try {
                        surrogate = s = Surrogate.open(dir.resolve(MODEL), scenario);
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot load the YAHPO surrogate of " + scenario.id() + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        return s;
    }

    int instanceCode(String instance) {
        Integer code = instanceCodes.get(instance);
        if (code == null) {
            throw new IllegalArgumentException("YAHPO scenario " + scenario.id() + " has no instance " + scenario.instanceParameter() + "="
                    + instance + "; instances are " + instances);
        }
        return code;
    }

    /**
     * The fidelity value a budget stands for: rounded to an integer epoch where the fidelity is
     * integral; outside [min, max] (after rounding) is an error.
     */
    double fidelityValue(double budget) {
        if (!Double.isFinite(budget)) {
            throw new IllegalArgumentException("budget must be finite, got " + budget);
        }
        double v = scenario.integerFidelity() ? Math.rint(budget) : budget;
        // Tolerate float noise at the ends of a continuous fidelity (0.03 computed as 3 * 0.01, say).
        if (!scenario.integerFidelity() && Math.abs(v - fidelity.min()) < 1e-9) {
            v = fidelity.min();
        } else if (!scenario.integerFidelity() && Math.abs(v - fidelity.max()) < 1e-9) {
            v = fidelity.max();
        }
        if (v < fidelity.min() || v > fidelity.max()) {
            throw new IllegalArgumentException("budget " + budget + " is outside the fidelity " + fidelity.name() + " in ["
                    + fmt(fidelity.min()) + ", " + fmt(fidelity.max()) + "]" + (scenario.integerFidelity() ? " (rounded to an integer)" : ""));
        }
        return v;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** The model inputs of one validated configuration. */
    void encode(Config valid, int instanceCode, double fidelityValue, int[] cat, int catOffset, float[] cont, int contOffset) {
        for (int i = 0; i < catInputs.length; i++) {
            Input in = catInputs[i];
            cat[catOffset + i] = switch (in.source) {
                case INSTANCE -> instanceCode;
                case FIXED -> in.fixedCode;
                case PARAMETER -> {
                    Object v = valid.get(in.name);
                    if (v == null) {
                        yield in.naCode; // inactive
                    }
                    int k = in.parameter instanceof CategoricalParameter c ? c.indexOf(v) : ((OrdinalParameter) in.parameter).indexOf(v);
                    yield in.codes[k];
                }
                default -> throw new AssertionError(in.source);
            };
        }
        for (int i = 0; i < contInputs.length; i++) {
            Input in = contInputs[i];
            cont[contOffset + i] = switch (in.source) {
                case FIDELITY -> (float) fidelityValue;
                case FIXED -> in.fixedValue;
                case PARAMETER -> {
                    Object v = valid.get(in.name);
                    yield v == null ? 0f : ((Number) v).floatValue(); // inactive -> 0
                }
                default -> throw new AssertionError(in.source);
            };
        }
    }

    /** The model inputs as YAHPO Gym would build them, for inspection and tests. */
    public EncodedInput encode(Config config, String instance, double budget) {
        Config valid = space.validate(config);
        int[] cat = new int[catInputs.length];
        float[] cont = new float[contInputs.length];
        encode(valid, instanceCode(instance), fidelityValue(budget), cat, 0, cont, 0);
        return new EncodedInput(cat, cont);
    }

    /** The categorical codes and continuous values of one configuration, in the model's column order. */
    public record EncodedInput(int[] categorical, float[] continuous) {
    }

    /** What a model input row stands for: the configuration (active parameters only), the instance and the fidelity. */
    public record DecodedInput(Config config, String instance, double fidelity) {
    }

    /**
     * Inverts {@link #encode(Config, String, double)}: codes back to choices, continuous values back
     * to parameter values (integers rounded; floats carry float32 precision), inactive parameters
     * left out.
     */
    public DecodedInput decode(int[] cat, float[] cont) {
        Map<String, Object> raw = new HashMap<>();
        String instance = null;
        for (int i = 0; i < catInputs.length; i++) {
            Input in = catInputs[i];
            if (in.source == Source.INSTANCE) {
                for (Map.Entry<String, Integer> e : instanceCodes.entrySet()) {
                    if (e.getValue() == cat[i]) {
                        instance = e.getKey();
                    }
                }
            } else if (in.source == Source.PARAMETER && cat[i] != in.naCode) {
                List<Object> choices = in.parameter instanceof CategoricalParameter c ? c.choices() : ((OrdinalParameter) in.parameter).choices();
                for (int k = 0; k < in.codes.length; k++) {
                    if (in.codes[k] == cat[i]) {
                        raw.put(in.name, choices.get(k));
                    }
                }
            }
        }
        double fid = Double.NaN;
        for (int i = 0; i < contInputs.length; i++) {
            Input in = contInputs[i];
            if (in.source == Source.FIDELITY) {
                fid = cont[i];
            } else if (in.source == Source.PARAMETER) {
                raw.put(in.name, in.parameter instanceof IntParameter ? (Object) Math.round((double) cont[i]) : (Object) (double) cont[i]);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Parameter p : space.parameters()) {
            if (space.isActive(p, out) && raw.containsKey(p.name())) {
                out.put(p.name(), raw.get(p.name()));
            }
        }
        return new DecodedInput(new Config(out), instance, fid);
    }

    /** Index of the objective target and of the runtime target in the model output. */
    int objectiveIndex() {
        return targetIndex[0];
    }

    int runtimeIndex() {
        return targetIndex[1];
    }

    /** Inactive categorical inputs are passed as this code, per input name (for tests). */
    int naCode(String input) {
        for (Input in : catInputs) {
            if (in.name.equals(input)) {
                return in.naCode;
            }
        }
        throw new IllegalArgumentException(input + " is no categorical input");
    }

    /** Closes the ONNX session; evaluations afterwards fail. */
    @Override
    public synchronized void close() {
        closed = true;
        if (surrogate != null) {
            surrogate.close();
            surrogate = null;
        }
    }

    @Override
    public String toString() {
        return "YAHPO " + scenario.id() + " (" + instances.size() + " instances, " + space.size() + " parameters"
                + (isLoaded() ? ", model loaded)" : ")");
    }
}
