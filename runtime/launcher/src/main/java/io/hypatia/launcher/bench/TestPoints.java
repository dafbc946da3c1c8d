package io.hypatia.launcher.bench;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The table of test points that ties the Java synthetic functions to their re-implementation in
 * {@code optuna_bench.py}, so a comparison with Optuna runs on identical functions. Per function:
 * its search space; per run seed 0..N (0 = the textbook function, the others shifted as
 * {@link Benchmark#instance(long)} does): the instance's parameters (the shift of its optimum)
 * and its optimal value; and a few points with their values. The script reads spaces, shifts and
 * optima from this table, so it never reimplements Java's random numbers, and checks its own
 * formulas against the points ({@code optuna_bench.py --check FILE}).
 *
 * <p>CSV columns {@code function,seed,kind,data,value}; kind is {@code space}, {@code instance}
 * or {@code point}. Numbers are written in Java's shortest round-trip form.
 *
 * <p>Multi-objective functions (several objectives and a hypervolume reference point: zdt1..3,
 * dtlz2-3obj) have no per-seed variants and no optimum: their instance rows carry
 * {@code reference=r1 r2 ...} (the reference point, space-separated) as data and an empty value,
 * and their points' value is the vector of objective values f1 f2 ..., space-separated.
 *
 * <p>The shift is private to the synthetic bundle (the API has no accessor for it), so it is read
 * by reflection from the fields named in {@link #INSTANCE_FIELDS}; a JUnit test regenerates the
 * committed table and fails if the bundle changes in a way the table no longer matches.
 */
public final class TestPoints {
    /** The functions the Python script implements, in table order. */
    public static final List<String> FUNCTIONS = List.of("branin", "hartmann3", "hartmann6", "rosenbrock-10",
            "rosenbrock-20", "ackley-10", "levy-10", "styblinski-tang-10", "mixed-int-cat", "zdt1", "zdt2", "zdt3",
            "dtlz2-3obj");
    /** Run seeds 0..20 cover {@code --seeds 20}, the default comparison with Optuna. */
    public static final int DEFAULT_SEEDS = 20;
    /** Points per textbook function (seed 0) and per shifted variant: enough to catch a wrong formula or shift, small to commit. */
    static final int TEXTBOOK_POINTS = 6;
    static final int SHIFTED_POINTS = 2;
    /** Instance fields that define a variant: the box functions' shift, mixed-int-cat's centre, n* and kind offsets. */
    static final List<String> INSTANCE_FIELDS = List.of("shift", "centre", "nStar", "offsets");
    public static final String HEADER = "function,seed,kind,data,value";

    private TestPoints() {
    }

    /** The table for {@code benchmarks} (looked up by the names of {@link #FUNCTIONS}) at run seeds 0..seeds. */
    public static String generate(Map<String, Benchmark> benchmarks, int seeds) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (String name : FUNCTIONS) {
            Benchmark b = benchmarks.get(name);
            if (b == null) {
                throw new BenchException("test points need the synthetic benchmark '" + name + "', which is not loaded");
            }
            out.append(name).append(",,space,").append(space(b.space())).append(",\n");
            boolean multiObjective = b.objectives().size() > 1;
            for (long seed = 0; seed <= seeds; seed++) {
                Benchmark instance = b.instance(seed);
                if (multiObjective) {
                    List<Double> reference = instance.referencePoint().orElseThrow(() -> new BenchException(
                            name + ": a multi-objective test function needs a reference point"));
                    out.append(name).append(',').append(seed).append(",instance,reference=").append(vector(reference))
                            .append(",\n");
                } else {
                    out.append(name).append(',').append(seed).append(",instance,").append(instanceParameters(instance))
                            .append(',').append(instance.optimalValue().orElseThrow()).append('\n');
                }
                SplittableRandom random = new SplittableRandom(seed * 1_000_003L + name.hashCode());
                for (int k = 0; k < (seed == 0 ? TEXTBOOK_POINTS : SHIFTED_POINTS); k++) {
                    Config x = b.space().sampleUniform(random);
                    List<Double> values = instance.evaluate(x, 0, 0).values();
                    out.append(name).append(',').append(seed).append(",point,").append(config(x)).append(',')
                            .append(multiObjective ? vector(values) : Double.toString(values.get(0))).append('\n');
                }
            }
        }
        return out.toString();
    }

    static String space(SearchSpace space) {
        List<String> parts = new ArrayList<>();
        for (Parameter p : space.parameters()) {
            if (p.isConditional()) {
                throw new BenchException("test points do not support conditional parameters (" + p.name() + ")");
            }
            String domain;
            if (p instanceof FloatParameter f) {
                domain = "float:" + f.low() + ":" + f.high() + (f.log() ? ":log" : "");
            } else if (p instanceof IntParameter i) {
                domain = "int:" + i.low() + ":" + i.high() + ":" + i.step() + (i.log() ? ":log" : "");
            } else if (p instanceof CategoricalParameter c) {
                domain = "categorical:" + c.choices().stream().map(String::valueOf).collect(Collectors.joining("|"));
            } else {
                domain = "ordinal:" + ((OrdinalParameter) p).choices().stream().map(String::valueOf).collect(Collectors.joining("|"));
            }
            parts.add(p.name() + "=" + domain);
        }
        return String.join(";", parts);
    }

    /** Numbers separated by single spaces, as the other vector fields of the table. */
    static String vector(List<Double> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    static String config(Config c) {
        return c.values().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
    }

    /** {@code shift=0.1 -2.5;...}: the instance fields found on the object, in {@link #INSTANCE_FIELDS} order. */
    public static String instanceParameters(Benchmark instance) {
        List<String> parts = new ArrayList<>();
        for (String fieldName : INSTANCE_FIELDS) {
            Object v = read(instance, fieldName);
            if (v instanceof double[] a) {
                parts.add(fieldName + "=" + java.util.Arrays.stream(a).mapToObj(Double::toString).collect(Collectors.joining(" ")));
            } else if (v instanceof Number n) {
                parts.add(fieldName + "=" + n);
            }
        }
        if (parts.isEmpty()) {
            throw new BenchException(instance.name() + ": found none of the instance fields " + INSTANCE_FIELDS
                    + " on " + instance.getClass().getName() + "; update TestPoints and optuna_bench.py together");
        }
        return String.join(";", parts);
    }

    private static Object read(Object target, String fieldName) {
        for (Class<?> c = target.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(fieldName);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new BenchException("cannot read " + fieldName + " of " + target.getClass().getName() + ": " + e);
            }
        }
        return null;
    }
}
