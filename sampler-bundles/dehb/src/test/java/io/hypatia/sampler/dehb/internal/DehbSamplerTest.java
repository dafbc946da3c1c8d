package io.hypatia.sampler.dehb.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.sampler.support.UnitCube;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DehbSamplerTest {
    private static final List<Objective> LOSS = List.of(new Objective("loss", Direction.MINIMIZE));

    private static SearchSpace space(int d) {
        List<FloatParameter> ps = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            ps.add(new FloatParameter("x" + i, 0, 1, false));
        }
        return SearchSpace.of(ps);
    }

    private static Config config(double... x) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < x.length; i++) {
            m.put("x" + i, x[i]);
        }
        return Config.of(m);
    }

    private static double[] point(Config c, int d) {
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = c.getDouble("x" + i);
        }
        return x;
    }

    /** A trial trained to {@code budget}, reporting {@code loss} at every level up to it. */
    private static Trial trial(int n, Config c, double budget, double[] levels, double loss) {
        List<IntermediateValue> curve = new ArrayList<>();
        for (double l : levels) {
            if (l <= budget) {
                curve.add(new IntermediateValue(l, loss));
            }
        }
        return new Trial(n, n, TrialState.PAUSED, c, List.of(), curve, budget, Map.of());
    }

    @Test
    void rand1binKeepsTheMutantsCoordinatesWithProbabilityCrAndAtLeastOne() {
        SplittableRandom rnd = new SplittableRandom(1);
        double[] target = {0.1, 0.1, 0.1, 0.1};
        List<double[]> same = List.of(new double[] {0.9, 0.9, 0.9, 0.9}, new double[] {0.9, 0.9, 0.9, 0.9},
                new double[] {0.9, 0.9, 0.9, 0.9});
        double[] mutant = DifferentialEvolution.mutant(same, 0.5, rnd);
        assertArrayEquals(new double[] {0.9, 0.9, 0.9, 0.9}, mutant, 1e-12, "identical parents: F (b - c) = 0");
        int fromMutant = 0;
        for (int k = 0; k < 200; k++) {
            double[] t = DifferentialEvolution.binomialCrossover(target, mutant, 0, rnd);
            assertEquals(1, Arrays.stream(t).filter(v -> v == 0.9).count(), "CR = 0: exactly one coordinate from the mutant");
            t = DifferentialEvolution.binomialCrossover(target, mutant, 0.5, rnd);
            fromMutant += (int) Arrays.stream(t).filter(v -> v == 0.9).count();
        }
        // expected share with CR = 0.5 and one forced coordinate: 1/4 + 3/4 * 1/2 = 0.625 of 800
        assertTrue(fromMutant > 400 && fromMutant < 600, "share from the mutant " + fromMutant);
        double[] wide = DifferentialEvolution.mutant(List.of(new double[] {0.95}, new double[] {1.0}, new double[] {0.0}), 0.5, rnd);
        assertTrue(wide[0] >= 0 && wide[0] <= 1, "out-of-bounds coordinates are redrawn inside the cube");
    }

    @Test
    void mutationPoolIsTheLowerLevelsBestConfigurations() {
        int d = 3;
        double[] levels = {1, 3, 9};
        SplittableRandom rnd = new SplittableRandom(4);
        List<Trial> trials = new ArrayList<>();
        // 60 configurations at budget 1: the 20 best lie in [0.7, 0.9]^3, the 40 others anywhere else, worse
        for (int n = 0; n < 60; n++) {
            boolean good = n % 3 == 0;
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = good ? 0.7 + 0.2 * rnd.nextDouble() : 0.6 * rnd.nextDouble();
            }
            trials.add(trial(n, config(x), 1, levels, good ? rnd.nextDouble() : 1 + rnd.nextDouble()));
        }
        // five promoted to budget 3, near the origin (the targets of level 3)
        for (int n = 60; n < 65; n++) {
            trials.add(trial(n, config(0.05, 0.05, 0.05), 3, levels, 5)); // worse than every level-1 loss
        }
        Map<String, String> mutantOnly = Map.of("crossover_prob", "1");
        for (int n = 65; n < 95; n++) {
            double[] x = point(new DehbSampler().suggest(new SamplerContext("s", space(d), LOSS, trials, n, 3, mutantOnly, 3)), d);
            for (double v : x) {
                // x_r1 + 0.5 (x_r2 - x_r3) with every parent in [0.7, 0.9]: within [0.6, 1.0]
                assertTrue(v >= 0.6 - 1e-9 && v <= 1.0, "mutant coordinate " + v + " not from the lower level's best");
            }
        }
        // with the default CR = 0.5, crossover mixes in the level-3 targets near the origin
        int fromTarget = 0;
        for (int n = 65; n < 95; n++) {
            double[] x = point(new DehbSampler().suggest(new SamplerContext("s", space(d), LOSS, trials, n, 3, Map.of(), 3)), d);
            for (double v : x) {
                fromTarget += v == 0.05 ? 1 : 0;
            }
        }
        assertTrue(fromTarget > 0 && fromTarget < 90, "coordinates kept from the target: " + fromTarget);
    }

    @Test
    void lowestLevelEvolvesItsOwnSubpopulationAndStartsAtRandom() {
        SearchSpace space = space(2);
        UnitCube cube = new UnitCube(space);
        List<Trial> none = List.of();
        Config first = new DehbSampler().suggest(new SamplerContext("s", space, LOSS, none, 0, 1, Map.of(), 1));
        assertEquals(space.sampleUniform(new SamplerContext("s", space, LOSS, none, 0, 1, Map.of(), 1).random().split()), first,
                "an empty level starts with DEHB's random population");
        Subpopulations p = Subpopulations.of(List.of(
                trial(0, config(0.1, 0.1), 1, new double[] {1, 3}, 0.3),
                trial(1, config(0.2, 0.2), 3, new double[] {1, 3}, 0.1),
                trial(2, config(0.3, 0.3), 1, new double[] {1, 3}, 0.2)), cube, Direction.MINIMIZE, 2);
        assertEquals(2, p.at(1).size(), "population_size keeps the best two of three at level 1");
        assertEquals(0.1, p.at(1).get(0).loss());
        assertEquals(0.2, p.at(1).get(1).loss());
        assertEquals(1, p.at(3).size());
        assertEquals(1.0, p.lowerLevel(3, 2));
        assertTrue(Double.isNaN(p.lowerLevel(3, 3)));
    }

    /** Sphere centred at 0.7 in [0, 1]^d. */
    private static double sphere(double[] x) {
        double s = 0;
        for (double v : x) {
            s += (v - 0.7) * (v - 0.7);
        }
        return s;
    }

    @Test
    void withoutFidelityItIsDifferentialEvolutionAndBeatsRandomSearch() {
        int d = 4, budget = 300;
        int wins = 0;
        for (long seed = 1; seed <= 5; seed++) {
            List<Trial> dehb = new ArrayList<>();
            double bestDehb = Double.POSITIVE_INFINITY, bestRandom = Double.POSITIVE_INFINITY;
            for (int n = 0; n < budget; n++) {
                SamplerContext ctx = new SamplerContext("s", space(d), LOSS, dehb, n, seed, Map.of());
                double[] x = point(new DehbSampler().suggest(ctx), d);
                double y = sphere(x);
                bestDehb = Math.min(bestDehb, y);
                dehb.add(new Trial(n, n, TrialState.COMPLETE, config(x), List.of(y), List.of(), 0, Map.of()));
                bestRandom = Math.min(bestRandom, sphere(point(space(d).sampleUniform(new SplittableRandom(seed * 1000 + n)), d)));
            }
            wins += bestDehb < bestRandom / 10 ? 1 : 0;
        }
        assertTrue(wins >= 4, "DE was 10x closer than random search on the 4-d sphere in " + wins + " of 5 seeds");
    }
}
