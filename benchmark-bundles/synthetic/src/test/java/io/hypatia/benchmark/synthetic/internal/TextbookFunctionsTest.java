package io.hypatia.benchmark.synthetic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.space.Config;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Values at published minimisers and at points worked out by hand from the formulas (the
 * derivation is in each comment), so that a wrong constant or index in a formula shows.
 */
class TextbookFunctionsTest {

    static double at(Benchmark b, double... x) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < x.length; i++) {
            values.put("x" + (i + 1), x[i]);
        }
        return b.evaluate(Config.of(values), 0, 0).value();
    }

    static double[] filled(int d, double v) {
        double[] x = new double[d];
        Arrays.fill(x, v);
        return x;
    }

    /** Relative tolerance 1e-4 for rounded published optima; absolute 1e-9 around 0. */
    static void assertOptimum(double expected, double actual) {
        assertEquals(expected, actual, Math.max(1e-4 * Math.abs(expected), 1e-9));
    }

    /** Hand-derived values are exact up to rounding. */
    static void assertExact(double expected, double actual) {
        assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)));
    }

    @Test
    void braninHasItsThreePublishedMinimaAndKnownValues() {
        BoxFunction b = TextbookFunctions.branin();
        assertOptimum(0.397887, b.optimalValue().getAsDouble());
        assertOptimum(0.397887, at(b, -Math.PI, 12.275));
        assertOptimum(0.397887, at(b, Math.PI, 2.275));
        assertOptimum(0.397887, at(b, 9.42478, 2.475));
        // (0 - 0 + 0 - 6)^2 + 10 (1 - 1/(8 pi)) cos 0 + 10 = 56 - 5/(4 pi)
        assertExact(55.602112642270264, at(b, 0, 0));
        // x1 = -5: (-127.5/(4 pi^2) - 25/pi - 6)^2 + 10 (1 - 1/(8 pi)) cos(-5) + 10
        assertExact(308.12909601160663, at(b, -5, 0));
    }

    @Test
    void hartmann3() {
        BoxFunction h = TextbookFunctions.hartmann3();
        assertOptimum(-3.86278, h.optimalValue().getAsDouble());
        assertOptimum(-3.86278, at(h, 0.114614, 0.555649, 0.852547));
        // -sum_i alpha_i exp(-sum_j A_ij P_ij^2), four terms summed by hand from the tables
        assertExact(-0.06797411659013464, at(h, 0, 0, 0));
        assertExact(-0.6280220150705937, at(h, 0.5, 0.5, 0.5));
    }

    @Test
    void hartmann6() {
        BoxFunction h = TextbookFunctions.hartmann6();
        assertOptimum(-3.32237, h.optimalValue().getAsDouble());
        assertOptimum(-3.32237, at(h, 0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573));
        assertExact(-0.00508911288366444, at(h, filled(6, 0)));
        assertExact(-0.5053149917022333, at(h, filled(6, 0.5)));
    }

    @Test
    void rosenbrock() {
        for (int d : new int[] {10, 20}) {
            BoxFunction r = TextbookFunctions.rosenbrock(d);
            assertEquals("rosenbrock-" + d, r.name());
            assertEquals(d, r.dimension());
            assertOptimum(0, r.optimalValue().getAsDouble());
            assertOptimum(0, at(r, filled(d, 1)));
            assertExact(d - 1, at(r, filled(d, 0)));             // each term (0 - 1)^2
            assertExact(401.0 * (d - 1), at(r, filled(d, 2)));   // 100 (2 - 4)^2 + (2 - 1)^2
        }
    }

    @Test
    void ackley() {
        BoxFunction a = TextbookFunctions.ackley(10);
        assertOptimum(0, a.optimalValue().getAsDouble());
        assertOptimum(0, at(a, filled(10, 0)));
        // at all ones the cosine term is e, so f = 20 (1 - exp(-0.2))
        assertExact(3.6253849384403627, at(a, filled(10, 1)));
    }

    @Test
    void levy() {
        BoxFunction l = TextbookFunctions.levy(10);
        assertOptimum(0, l.optimalValue().getAsDouble());
        assertOptimum(0, at(l, filled(10, 1)));
        // x = 5 gives w = 2: 0 + 9 (1 + 10 sin^2 1) + (1 + 0) = 10 + 90 sin^2(1)
        assertExact(73.7266076446214, at(l, filled(10, 5)));
        // x = 0 gives w = 3/4: sin^2(3 pi/4) + 9/16 (1 + 10 sin^2(3 pi/4 + 1)) + 1/16 (1 + sin^2(3 pi/2))
        //                 = 0.5 + 0.5625 (1 + 10 * 0.0453513) + 0.125
        assertExact(1.44260098705277, at(l, filled(10, 0)));
    }

    @Test
    void styblinskiTang() {
        BoxFunction s = TextbookFunctions.styblinskiTang(10);
        assertOptimum(-39.16617 * 10, s.optimalValue().getAsDouble());
        assertOptimum(-39.16617 * 10, at(s, filled(10, -2.903534)));
        assertExact(0, at(s, filled(10, 0)));
        assertExact(-50, at(s, filled(10, 1)));    // (1 - 16 + 5)/2 per dimension
        assertExact(1000, at(s, filled(10, -5)));  // (625 - 400 - 25)/2 per dimension
    }

    @Test
    void mixedIntCat() {
        MixedIntCatFunction m = new MixedIntCatFunction();
        assertEquals(1.0, m.optimalValue().getAsDouble());
        assertExact(1.0, mixed(m, 1, -0.5, 35, "c"));
        // d = (-1, 0.5): 1 - 0.5 + 0.5; ((0 - 35)/10)^2 = 12.25; offset of a 1.5
        assertExact(14.75, mixed(m, 0, 0, 0, "a"));
        // d = (1, 1): 1 + 1 + 2; ((45 - 35)/10)^2 = 1; offset of b 1.25
        assertExact(6.25, mixed(m, 2, 0.5, 45, "b"));
        assertExact(2.0, mixed(m, 1, -0.5, 35, "d"));
        assertEquals(Config.of(Map.of("x1", 1.0, "x2", -0.5, "n", 35L, "kind", "c")).values(),
                m.argmin().values());
    }

    static double mixed(Benchmark m, double x1, double x2, long n, String kind) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("x1", x1);
        v.put("x2", x2);
        v.put("n", n);
        v.put("kind", kind);
        return m.evaluate(Config.of(v), 0, 0).value();
    }
}
