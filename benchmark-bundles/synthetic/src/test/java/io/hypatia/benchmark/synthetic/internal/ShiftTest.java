package io.hypatia.benchmark.synthetic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.Parameter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The per-run variants: optimum moved inside the domain, same optimal value, seed 0 textbook. */
class ShiftTest {
    static final long[] SEEDS = {1, 2, 3, 17, 12345, -1, Long.MAX_VALUE, Long.MIN_VALUE};

    static List<SyntheticBenchmark> benchmarks() {
        return SyntheticBenchmarks.singleObjective();
    }

    static double value(SyntheticBenchmark b, Config c) {
        return b.evaluate(c, 0, 0).value();
    }

    static double tolerance(double optimum) {
        return 1e-9 * Math.max(1, Math.abs(optimum));
    }

    @ParameterizedTest
    @MethodSource("benchmarks")
    void seedZeroIsTheTextbookFunction(SyntheticBenchmark b) {
        assertSame(b, b.instance(0));
        assertSame(b, b.instance(5).instance(0), "seed 0 undoes a shift");
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 100; i++) {
            Config c = b.space().sampleUniform(random);
            assertEquals(value(b.textbook(), c), value(b.instance(0), c));
        }
        assertEquals(b.optimalValue().getAsDouble(), value(b, b.argmin()), tolerance(b.optimalValue().getAsDouble()));
    }

    @ParameterizedTest
    @MethodSource("benchmarks")
    void shiftedOptimumIsInsideTheDomainAtTheSameValue(SyntheticBenchmark b) {
        double optimum = b.optimalValue().getAsDouble();
        for (long seed : SEEDS) {
            SyntheticBenchmark shifted = b.instance(seed);
            assertEquals(b.name(), shifted.name());
            assertEquals(b.space(), shifted.space());
            assertEquals(optimum, shifted.optimalValue().getAsDouble());
            Config argmin = shifted.argmin();
            shifted.space().validate(argmin); // throws when outside the domain or off the int grid
            for (Parameter p : b.space().parameters()) {
                if (p instanceof FloatParameter f) {
                    double u = f.toUnit(argmin.get(f.name()));
                    assertTrue(u >= 0.1 - 1e-12 && u <= 0.9 + 1e-12, seed + ": " + f.name() + " away from the bounds, u=" + u);
                }
            }
            assertEquals(optimum, value(shifted, argmin), tolerance(optimum), "seed " + seed);
            assertTrue(value(shifted, b.argmin()) > optimum + 1e-6,
                    "seed " + seed + ": the textbook minimiser is no longer optimal");
            // a minimum, not just a point at the right level: small steps never go lower
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < 200; i++) {
                Config near = nudge(shifted, argmin, random);
                assertTrue(value(shifted, near) >= optimum - tolerance(optimum), near.toString());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("benchmarks")
    void differentSeedsGiveDifferentArgminsAndTheSameSeedTheSame(SyntheticBenchmark b) {
        Set<Config> argmins = new HashSet<>();
        for (long seed : SEEDS) {
            argmins.add(b.instance(seed).argmin());
            assertEquals(b.instance(seed).argmin(), b.instance(seed).argmin());
        }
        assertEquals(SEEDS.length, argmins.size(), argmins.toString());
        assertNotEquals(b.argmin(), b.instance(1).argmin());
    }

    @ParameterizedTest
    @MethodSource("benchmarks")
    void denseScanNeverGoesBelowTheOptimum(SyntheticBenchmark b) {
        double optimum = b.optimalValue().getAsDouble();
        for (SyntheticBenchmark instance : List.of(b, b.instance(1), b.instance(2))) {
            SplittableRandom random = new SplittableRandom(42);
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < 100_000; i++) {
                double v = value(instance, instance.space().sampleUniform(random));
                assertTrue(Double.isFinite(v));
                best = Math.min(best, v);
            }
            assertTrue(best >= optimum - tolerance(optimum), instance + ": " + best + " < " + optimum);
        }
    }

    private static Config nudge(SyntheticBenchmark b, Config at, SplittableRandom random) {
        Map<String, Object> values = new LinkedHashMap<>(at.values());
        for (Parameter p : b.space().parameters()) {
            if (p instanceof FloatParameter f) {
                double step = 1e-3 * (f.high() - f.low()) * (2 * random.nextDouble() - 1);
                values.put(f.name(), Math.min(f.high(), Math.max(f.low(), at.getDouble(f.name()) + step)));
            }
        }
        return new Config(values);
    }
}
