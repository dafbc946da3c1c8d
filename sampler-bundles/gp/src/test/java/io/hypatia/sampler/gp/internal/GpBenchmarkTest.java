package io.hypatia.sampler.gp.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * GP-BO against random search on two classic test functions, median best value over seeds.
 * Random search draws through the same code path (n_startup_trials larger than the budget), so
 * both arms share their first {@code n_startup_trials} points.
 */
class GpBenchmarkTest {
    private static final int SEEDS = 7;
    private static final Map<String, String> RANDOM = Map.of("n_startup_trials", "100000");

    private static double[] bests(Sampler sampler, SearchSpace space, Function<Config, Double> f, int trials,
                                  Map<String, String> config) {
        double[] out = new double[SEEDS];
        for (int s = 0; s < SEEDS; s++) {
            out[s] = StudyLoop.best(StudyLoop.run(sampler, space, f, null, trials, 1000 + s, config));
        }
        return out;
    }

    @Test
    void beatsRandomSearchOnBranin() {
        SearchSpace space = SearchSpace.of(List.of(
                new FloatParameter("x1", -5, 10, false), new FloatParameter("x2", 0, 15, false)));
        Function<Config, Double> f = c -> StudyLoop.branin(c.getDouble("x1"), c.getDouble("x2"));
        assertBeatsRandom("Branin", space, f, 40, StudyLoop.BRANIN_MIN, 0.05, 5);
    }

    @Test
    void beatsRandomSearchOnHartmann6() {
        SearchSpace space = StudyLoop.unitCube(6);
        Function<Config, Double> f = c -> StudyLoop.hartmann6(StudyLoop.vector(c, 6));
        // Hartmann-6 has a local minimum at -3.20 (regret 0.12) where some runs settle.
        assertBeatsRandom("Hartmann-6", space, f, 60, StudyLoop.HARTMANN6_MIN, 0.5, 3);
    }

    /**
     * The GP's median regret over the seeds is below {@code maxRegret} and below random search's
     * (the same sampler with its startup phase covering every trial) divided by {@code factor}.
     */
    private static void assertBeatsRandom(String name, SearchSpace space, Function<Config, Double> f, int trials, double minimum,
                                          double maxRegret, double factor) {
        double[] gp = bests(new GpSampler(), space, f, trials, Map.of());
        double[] random = bests(new GpSampler(), space, f, trials, RANDOM);
        System.out.println(name + " best per seed: gp " + java.util.Arrays.toString(gp) + ", random " + java.util.Arrays.toString(random));
        double gpRegret = StudyLoop.median(gp) - minimum;
        double randomRegret = StudyLoop.median(random) - minimum;
        System.out.printf("%s, %d trials, median regret over %d seeds: gp %.4f, random %.4f%n", name, trials, SEEDS, gpRegret, randomRegret);
        assertTrue(gpRegret < maxRegret, "GP should get within " + maxRegret + " of the " + name + " minimum, regret " + gpRegret);
        assertTrue(gpRegret < randomRegret / factor, "gp " + gpRegret + " vs random " + randomRegret);
    }

    /**
     * Hartmann-6's optimum and most of its good region are inside the cube. Before the prior
     * mean was set to the worst observation and flat moves onto the boundary were taken back,
     * 50-70% of the GP's post-startup trials had a coordinate on a bound and 15-25% were exact
     * corners (GpBoundStudy, 100 trials). Now there are no corners and, over trials 11-40 of three
     * seeds, 25 of 90 trials on a bound (28%, most of them early exploration); the bound on
     * that share leaves a margin, the corner count is what the old behaviour clearly fails.
     */
    @Test
    void keepsTrialsOffTheBoundaryWhenTheOptimumIsInside() {
        SearchSpace space = StudyLoop.unitCube(6);
        Function<Config, Double> f = c -> StudyLoop.hartmann6(StudyLoop.vector(c, 6));
        int startup = GpSettings.DEFAULTS.startupTrials(), trials = 40, onBound = 0, corners = 0, total = 0;
        for (int s = 0; s < 3; s++) {
            List<io.hypatia.api.study.Trial> run = StudyLoop.run(new GpSampler(), space, f, null, trials, 2000 + s, Map.of());
            for (io.hypatia.api.study.Trial t : run.subList(startup, trials)) {
                int b = GpBoundStudy.boundCoordinates(space, t.config());
                onBound += b > 0 ? 1 : 0;
                corners += b == 6 ? 1 : 0;
                total++;
            }
        }
        System.out.printf("Hartmann-6, 3 seeds x %d trials: %d of %d post-startup trials on a bound, %d corners%n",
                trials, onBound, total, corners);
        assertTrue(corners == 0, corners + " exact corners");
        assertTrue(onBound <= 0.4 * total, onBound + " of " + total + " trials on a bound");
    }
}
