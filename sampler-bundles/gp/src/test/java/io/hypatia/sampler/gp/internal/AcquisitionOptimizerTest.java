package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.GaussianProcess;
import io.hypatia.sampler.gp.model.Hyperparameters;
import io.hypatia.sampler.gp.model.Lbfgs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AcquisitionOptimizerTest {

    /** The screened ranking must be the one that scoring every candidate exactly gives. */
    @Test
    void screenedTopCandidatesAreTheExactTopCandidates() {
        int d = 4;
        int screenedAway = 0;
        for (long seed = 1; seed <= 4; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int n = 100 + 80 * (int) seed;
            double[] x = new double[n * d];
            double[] y = new double[n];
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    x[i * d + j] = i % 3 == 0 ? r.nextDouble() : 0.3 + 0.1 * r.nextDouble();
                }
                y[i] = Math.sin(5 * x[i * d]) + Math.cos(3 * x[i * d + 1]) + x[i * d + 2] * x[i * d + 3];
                c[i] = x[i * d + 1] - 0.35;
            }
            double[] ys = Surrogates.centreOnWorst(Surrogates.standardise(y));
            Hyperparameters h = new Hyperparameters(new double[] {0.2, 0.3, 0.5, 0.8}, 1.2, 1e-5);
            GaussianProcess gp = GaussianProcess.condition(x, d, ys, h);
            double incumbent = Arrays.stream(ys).min().orElseThrow();
            List<Acquisition.Constraint> constraints = seed % 2 == 0
                    ? List.of(new Acquisition.Constraint(GaussianProcess.condition(x, d, c, h), 0.0)) : List.of();
            Acquisition acq = new Acquisition(gp, incumbent, constraints);
            int count = 1500;
            List<double[]> candidates = new ArrayList<>();
            double[] flat = new double[count * d];
            for (int i = 0; i < count; i++) {
                double[] p = new double[d];
                for (int j = 0; j < d; j++) {
                    // some exact duplicates, to exercise the distinctness rule
                    p[j] = i % 50 == 7 ? 0.33 : i % 4 == 0 ? 0.28 + 0.15 * r.nextDouble() : r.nextDouble();
                }
                candidates.add(p);
                System.arraycopy(p, 0, flat, i * d, d);
            }
            double[] all = acq.values(flat, count);
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -all[i]).thenComparingInt(i -> i));
            for (int k : new int[] {1, 5, 12}) {
                List<Integer> expected = new ArrayList<>();
                for (int o = 0; o < count && expected.size() < k; o++) {
                    double[] cand = candidates.get(order[o]);
                    if (expected.stream().noneMatch(e -> Arrays.equals(candidates.get(e), cand))) {
                        expected.add(order[o]);
                    }
                }
                AcquisitionOptimizer.Top top = AcquisitionOptimizer.topDistinct(acq, flat, candidates, k);
                assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), top.indices(), "seed " + seed + " k " + k);
                for (int i = 0; i < k; i++) {
                    assertEquals(all[top.indices()[i]], top.scores()[i], 1e-9 * Math.max(1, Math.abs(all[top.indices()[i]])));
                }
                screenedAway += count - top.exactlyScored();
            }
        }
        // The point of the screen: most candidates are never scored exactly.
        assertTrue(screenedAway > 12 * 1500 / 2, "screen ruled out only " + screenedAway + " of " + 12 * 1500);
    }

    /** A box-constrained quadratic whose minimum lies on a bound in two coordinates. */
    @Test
    void lbfgsConvergesWithActiveBoundsWithoutRestartingFromSteepestDescent() {
        double[] target = {-0.5, 0.3, 1.7, 0.6};
        double[] scale = {1, 30, 5, 200};
        int[] evaluations = {0};
        Lbfgs.Objective f = (z, g) -> {
            evaluations[0]++;
            double v = 0;
            for (int j = 0; j < z.length; j++) {
                double t = z[j] - target[j];
                v += scale[j] * t * t;
                g[j] = 2 * scale[j] * t;
            }
            return v;
        };
        double[] lower = {0, 0, 0, 0}, upper = {1, 1, 1, 1};
        Lbfgs.Result res = Lbfgs.minimise(f, new double[] {0.9, 0.9, 0.1, 0.1}, lower, upper, 100, 1e-14);
        assertArrayEquals(new double[] {0, 0.3, 1, 0.6}, res.x(), 1e-6);
        assertTrue(res.evaluations() < 60, "evaluations " + res.evaluations());
    }
}
