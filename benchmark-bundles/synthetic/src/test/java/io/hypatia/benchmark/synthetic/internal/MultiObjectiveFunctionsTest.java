package io.hypatia.benchmark.synthetic.internal;

import io.hypatia.api.pareto.Hypervolume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.benchmark.Evaluation;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ZDT1-3 and DTLZ2: values at points worked out by hand, points on the known Pareto fronts, and
 * the true front's hypervolume against its closed form and against the exact hypervolume of a
 * dense sample of the front evaluated through the benchmark.
 */
class MultiObjectiveFunctionsTest {

    /** Evaluates at x1 = head[0], x2 = head[1], ..., and every further variable at {@code rest}. */
    static double[] at(Benchmark b, double rest, double... head) {
        double[] x = new double[b.space().size()];
        Arrays.fill(x, rest);
        System.arraycopy(head, 0, x, 0, head.length);
        Evaluation e = b.evaluate(Box.point(x), 0, 0);
        return e.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    static void assertValues(double[] expected, double[] actual) {
        assertArrayEquals(expected, actual, 1e-12);
    }

    @Test
    void zdtValuesWorkedOutByHand() {
        Zdt zdt1 = Zdt.zdt1(30), zdt2 = Zdt.zdt2(30), zdt3 = Zdt.zdt3(30);
        // on the front (g = 1)
        assertValues(new double[] {0.25, 0.5}, at(zdt1, 0, 0.25));                        // 1 - sqrt(1/4)
        assertValues(new double[] {0.5, 0.75}, at(zdt2, 0, 0.5));                         // 1 - 1/4
        assertValues(new double[] {0.05, 0.95 - Math.sqrt(0.05)}, at(zdt3, 0, 0.05));     // sin(pi/2) = 1
        assertValues(new double[] {0.15, 1.15 - Math.sqrt(0.15)}, at(zdt3, 0, 0.15));     // sin(3 pi/2) = -1
        // every variable 1: g = 10; ZDT1 and ZDT3 (sin 10 pi = 0) give 10 (1 - sqrt(1/10)), ZDT2 10 (1 - 1/100)
        assertValues(new double[] {1, 10 - Math.sqrt(10)}, at(zdt1, 1, 1));
        assertValues(new double[] {1, 9.9}, at(zdt2, 1, 1));
        assertArrayEquals(new double[] {1, 10 - Math.sqrt(10)}, at(zdt3, 1, 1), 1e-12);
        // x1 = 1/4, the rest 1/2: g = 1 + 9/2 = 5.5
        assertValues(new double[] {0.25, 5.5 - Math.sqrt(0.25 * 5.5)}, at(zdt1, 0.5, 0.25));
        assertValues(new double[] {0.25, 5.5 - 0.0625 / 5.5}, at(zdt2, 0.5, 0.25));
        assertEquals(4.327396060044143, at(zdt1, 0.5, 0.25)[1], 1e-12);
    }

    @Test
    void zdtFrontsAreTheCurvesAtGEqualOneAndEveryOtherPointIsWorse() {
        SplittableRandom random = new SplittableRandom(11);
        Zdt zdt1 = Zdt.zdt1(30), zdt2 = Zdt.zdt2(30), zdt3 = Zdt.zdt3(30);
        for (int i = 0; i <= 100; i++) {
            double f1 = i / 100.0;
            assertEquals(1 - Math.sqrt(f1), at(zdt1, 0, f1)[1], 1e-12);
            assertEquals(1 - f1 * f1, at(zdt2, 0, f1)[1], 1e-12);
            assertEquals(1 - Math.sqrt(f1) - f1 * Math.sin(10 * Math.PI * f1), at(zdt3, 0, f1)[1], 1e-12);
        }
        for (Zdt zdt : List.of(zdt1, zdt2, zdt3)) {
            for (int i = 0; i < 1000; i++) {
                Config c = zdt.space().sampleUniform(random);
                double[] f = zdt.evaluate(c, 0, 0).values().stream().mapToDouble(Double::doubleValue).toArray();
                assertTrue(f[1] >= zdt.frontF2(f[0]) - 1e-12, zdt + " " + c);
                assertTrue(f[0] <= 1 && f[1] <= 10, "inside the (11, 11) reference box: " + Arrays.toString(f));
            }
        }
    }

    @Test
    void dtlz2ValuesWorkedOutByHand() {
        Dtlz2 d = new Dtlz2(3, 10);
        assertEquals(12, d.space().size());
        double h = Math.sqrt(0.5);
        // x1 = x2 = 1/2 on the front: cos^2(pi/4), cos(pi/4) sin(pi/4), sin(pi/4)
        assertValues(new double[] {0.5, 0.5, h}, at(d, 0.5, 0.5, 0.5));
        assertValues(new double[] {1, 0, 0}, at(d, 0.5, 0, 0));
        assertValues(new double[] {0, 0, 1}, at(d, 0.5, 1, 0.3));
        // tail at 0: g = 10/4, so 1 + g = 3.5
        assertValues(new double[] {3.5, 0, 0}, at(d, 0, 0, 0));
        // x1 = 1/3, x2 = 1/2, tail at 1 (g = 2.5): 3.5 cos(pi/6) cos(pi/4), 3.5 cos(pi/6) sin(pi/4), 3.5 sin(pi/6)
        double c = 3.5 * Math.sqrt(6) / 4;
        assertValues(new double[] {c, c, 1.75}, at(d, 1, 1.0 / 3, 0.5));
    }

    @Test
    void dtlz2FrontIsTheUnitSphereAndOtherPointsLieOutside() {
        SplittableRandom random = new SplittableRandom(13);
        for (Dtlz2 d : List.of(new Dtlz2(3, 10), new Dtlz2(2, 5), new Dtlz2(5, 3))) {
            int m = d.objectives().size();
            for (int i = 0; i < 500; i++) {
                double[] head = new double[m - 1];
                for (int j = 0; j < head.length; j++) {
                    head[j] = random.nextDouble();
                }
                assertEquals(1, sumOfSquares(at(d, 0.5, head)), 1e-12, d + " on the front");

                double[] x = new double[d.space().size()];
                double g = 0;
                for (int j = 0; j < x.length; j++) {
                    x[j] = random.nextDouble();
                    g += j >= m - 1 ? (x[j] - 0.5) * (x[j] - 0.5) : 0;
                }
                double[] f = d.evaluate(Box.point(x), 0, 0).values().stream().mapToDouble(Double::doubleValue).toArray();
                assertEquals((1 + g) * (1 + g), sumOfSquares(f), 1e-12);
            }
        }
    }

    @Test
    void frontHypervolumesMatchTheirClosedForms() {
        // the front dominates the reference box minus the area under the curve: 121 - integral of h
        assertEquals(121 - 1.0 / 3, Zdt.zdt1(30).paretoFrontHypervolume(), 1e-8);
        assertEquals(121 - 2.0 / 3, Zdt.zdt2(30).paretoFrontHypervolume(), 1e-8);
        // the box minus the positive eighth of the unit ball, and the quarter disc in 2-D
        assertEquals(1.331 - Math.PI / 6, new Dtlz2(3, 10).paretoFrontHypervolume(), 1e-12);
        assertEquals(1.21 - Math.PI / 4, new Dtlz2(2, 10).paretoFrontHypervolume(), 1e-12);
        assertEquals(4 * Math.PI / 3, Dtlz2.unitBallVolume(3), 1e-12);
        assertEquals(Math.PI * Math.PI / 2, Dtlz2.unitBallVolume(4), 1e-12);
        assertEquals(2, Dtlz2.unitBallVolume(1));
    }

    @Test
    void zdtFrontHypervolumesMatchADenseSampleOfTheFront() {
        int n = 20_000;
        for (Zdt zdt : List.of(Zdt.zdt1(30), Zdt.zdt2(30), Zdt.zdt3(30))) {
            List<double[]> front = new ArrayList<>();
            for (int i = 0; i <= n; i++) {
                front.add(at(zdt, 0, (double) i / n));
            }
            double sampled = Hypervolume.of(front, zdt.reference());
            double exact = zdt.paretoFrontHypervolume();
            // a finite sample of the front dominates a little less than the whole front
            assertTrue(sampled <= exact + 1e-9 && sampled >= exact - 1e-4, zdt + ": sampled " + sampled + ", exact " + exact);
        }
    }

    @Test
    void dtlz2FrontHypervolumeMatchesADenseSampleOfTheFront() {
        Dtlz2 d = new Dtlz2(3, 10);
        double exact = d.paretoFrontHypervolume();
        double coarse = sampledFrontHypervolume(d, 100);
        double fine = sampledFrontHypervolume(d, 300);
        assertTrue(coarse < fine && fine < exact && fine > exact - 0.004, "sampled " + coarse + ", " + fine + ", exact " + exact);
        // the gap shrinks like 1/n on an n x n grid, so (3 fine - coarse) / 2 removes most of it
        assertEquals(exact, (3 * fine - coarse) / 2, 1e-4);
    }

    /** The exact hypervolume of the front points at x1, x2 on an (n+1) x (n+1) grid. */
    private static double sampledFrontHypervolume(Dtlz2 d, int n) {
        List<double[]> front = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            for (int j = 0; j <= n; j++) {
                front.add(at(d, 0.5, (double) i / n, (double) j / n));
            }
        }
        return Hypervolume.of(front, d.reference());
    }

    @Test
    void randomPointsCoverLessThanTheFront() {
        SplittableRandom random = new SplittableRandom(17);
        for (MultiObjectiveFunction f : SyntheticBenchmarks.multiObjective()) {
            List<double[]> found = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                found.add(f.evaluate(f.space().sampleUniform(random), 0, 0).values().stream().mapToDouble(Double::doubleValue).toArray());
            }
            double hv = Hypervolume.of(found, f.reference());
            assertTrue(hv < f.paretoFrontHypervolume(), f + ": " + hv);
        }
    }

    @Test
    void registeredShapesAndContract() {
        List<MultiObjectiveFunction> all = SyntheticBenchmarks.multiObjective();
        assertEquals(List.of("zdt1", "zdt2", "zdt3", "dtlz2-3obj"), all.stream().map(Benchmark::name).toList());
        assertEquals("zdt1-10", Zdt.zdt1(10).name());
        for (MultiObjectiveFunction f : all) {
            int m = f.objectives().size();
            List<Objective> expected = new ArrayList<>();
            for (int i = 1; i <= m; i++) {
                expected.add(new Objective("f" + i, Direction.MINIMIZE));
            }
            assertEquals(expected, f.objectives());
            assertEquals(m, f.referencePoint().orElseThrow().size());
            assertEquals(f.paretoFrontHypervolume(), f.serviceProperties().get(MultiObjectiveFunction.PARETO_FRONT_HYPERVOLUME));
            assertTrue(f.optimalValue().isEmpty());
            assertTrue(f.fidelity().isEmpty());
            assertSame(f, f.instance(42));
            assertTrue(f.space().parameters().stream().allMatch(p -> p instanceof FloatParameter fp && fp.low() == 0 && fp.high() == 1));
            Config c = f.space().sampleUniform(new SplittableRandom(1));
            Evaluation e = f.evaluate(c, 0, 0);
            assertEquals(1.0, e.cost());
            assertEquals(e, f.evaluate(c, 50, 9), "budget and seed do not matter");
        }
        assertEquals(List.of(11.0, 11.0), Zdt.zdt1(30).referencePoint().orElseThrow());
        assertEquals(List.of(1.1, 1.1, 1.1), new Dtlz2(3, 10).referencePoint().orElseThrow());
        assertEquals(30, Zdt.zdt3(30).space().size());
    }

    private static double sumOfSquares(double[] f) {
        double s = 0;
        for (double v : f) {
            s += v * v;
        }
        return s;
    }
}
