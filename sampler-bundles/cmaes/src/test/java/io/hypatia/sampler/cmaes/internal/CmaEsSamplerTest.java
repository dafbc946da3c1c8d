package io.hypatia.sampler.cmaes.internal;

import static io.hypatia.sampler.cmaes.internal.Studies.complete;
import static io.hypatia.sampler.cmaes.internal.Studies.context;
import static io.hypatia.sampler.cmaes.internal.Studies.withState;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class CmaEsSamplerTest {
    static final int N = 5;
    static final double[] OPTIMUM = {1.2, -2.3, 0.4, 3.1, -0.7};
    static final SearchSpace BOX = box(N);

    static SearchSpace box(int n) {
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ps.add(new FloatParameter("x" + i, -5, 5, false));
        }
        return SearchSpace.of(ps);
    }

    static double[] vector(Config c) {
        double[] x = new double[N];
        for (int i = 0; i < N; i++) {
            x[i] = c.getDouble("x" + i) - OPTIMUM[i];
        }
        return x;
    }

    static final ToDoubleFunction<Config> SPHERE = c -> {
        double s = 0;
        for (double v : vector(c)) {
            s += v * v;
        }
        return s;
    };

    /** A random rotation (Gram-Schmidt on a seeded Gaussian matrix). */
    static final double[][] ROTATION = rotation(N, 2024);

    static double[][] rotation(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = r.nextGaussian();
            }
            for (int k = 0; k < i; k++) {
                double dot = 0;
                for (int j = 0; j < n; j++) {
                    dot += q[i][j] * q[k][j];
                }
                for (int j = 0; j < n; j++) {
                    q[i][j] -= dot * q[k][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < n; j++) {
                norm += q[i][j] * q[i][j];
            }
            for (int j = 0; j < n; j++) {
                q[i][j] /= Math.sqrt(norm);
            }
        }
        return q;
    }

    /** Rotated ellipsoid, condition number 1e6. */
    static final ToDoubleFunction<Config> ELLIPSOID = c -> {
        double[] x = vector(c);
        double s = 0;
        for (int i = 0; i < N; i++) {
            double z = 0;
            for (int j = 0; j < N; j++) {
                z += ROTATION[i][j] * x[j];
            }
            s += Math.pow(1e6, i / (N - 1.0)) * z * z;
        }
        return s;
    };

    private static final Sampler RANDOM = context -> context.space().sampleUniform(context.random());

    private static double[] compare(String name, ToDoubleFunction<Config> f, int budget) {
        int seeds = 7;
        double[] cma = new double[seeds], random = new double[seeds];
        for (int s = 0; s < seeds; s++) {
            cma[s] = Studies.best(Studies.run(new CmaEsSampler(), BOX, f, budget, 100 + s, Map.of()));
            random[s] = Studies.best(Studies.run(RANDOM, BOX, f, budget, 100 + s, Map.of()));
        }
        double mc = Studies.median(cma), mr = Studies.median(random);
        System.out.printf("%s 5-D, %d evaluations, median best over %d seeds: cmaes %.3g, random %.3g%n", name, budget, seeds, mc, mr);
        return new double[]{mc, mr};
    }

    @Test
    void convergesOnTheSphereWhereRandomSearchDoesNot() {
        double[] m = compare("sphere", SPHERE, 300);
        assertTrue(m[0] < 1e-2, "cmaes median " + m[0]);
        assertTrue(m[0] < 1e-3 * m[1], "cmaes " + m[0] + " vs random " + m[1]);
    }

    @Test
    void convergesOnARotatedEllipsoidWhereRandomSearchDoesNot() {
        double[] m = compare("rotated ellipsoid", ELLIPSOID, 900);
        assertTrue(m[0] < 1, "cmaes median " + m[0]);
        assertTrue(m[0] < 1e-4 * m[1], "cmaes " + m[0] + " vs random " + m[1]);
    }

    @Test
    void stateRebuiltFromHistoryGivesTheSameSuggestionsAsAnUninterruptedRun() {
        List<Trial> history = Studies.run(new CmaEsSampler(), BOX, SPHERE, 60, 7, Map.of());
        // every trial of the sequential run must be reproduced by a fresh sampler from its prefix
        for (int t = 0; t < history.size(); t++) {
            Config again = new CmaEsSampler().suggest(context(BOX, history.subList(0, t), t, 7, Map.of()));
            assertEquals(history.get(t).config(), again, "trial " + t);
        }
        // the cache of a long-lived instance never changes an answer, even when an old trial changes
        CmaEsSampler longLived = new CmaEsSampler();
        longLived.suggest(context(BOX, history, 60, 7, Map.of()));
        List<Trial> edited = new ArrayList<>(history);
        edited.set(3, complete(3, history.get(3).config(), -1.0));
        assertEquals(new CmaEsSampler().suggest(context(BOX, edited, 60, 7, Map.of())), longLived.suggest(context(BOX, edited, 60, 7, Map.of())));
        assertNotEquals(longLived.suggest(context(BOX, history, 60, 7, Map.of())), longLived.suggest(context(BOX, edited, 60, 7, Map.of())));
        Config a = new CmaEsSampler().suggest(context(BOX, history, 60, 7, Map.of()));
        Config b = new CmaEsSampler().suggest(context(BOX, history, 60, 7, Map.of()));
        assertEquals(a, b);
        assertNotEquals(a, new CmaEsSampler().suggest(context(BOX, history, 60, 8, Map.of())));
        assertEquals(56, CmaEsSampler.lambdaAndRun(context(BOX, history, 60, 7, Map.of()))[2],
                "60 = 7.5 generations of 8: the eighth generation starts at 56 and waits for trials 60..63");
    }

    @Test
    void anIncompleteGenerationKeepsSamplingItsDistributionAndFailuresCountAsWorst() {
        int lambda = CmaSettings.defaultPopulationSize(N); // 8
        List<Trial> history = new ArrayList<>(Studies.run(new CmaEsSampler(), BOX, SPHERE, lambda, 3, Map.of()));
        Trial running = history.get(2);
        history.set(2, withState(2, running.config(), TrialState.RUNNING));
        // generation 0 waits for trial 2: trials 8, 9, ... are extras from generation 0's distribution
        assertEquals(0, CmaEsSampler.lambdaAndRun(context(BOX, history, lambda, 3, Map.of()))[2]);
        Config extra = new CmaEsSampler().suggest(context(BOX, history, lambda, 3, Map.of()));
        assertEquals(extra, BOX.validate(extra));
        // once it fails the generation is complete, the failure ranks last, and generation 1 starts at 8
        history.set(2, withState(2, running.config(), TrialState.FAILED));
        assertEquals(lambda, CmaEsSampler.lambdaAndRun(context(BOX, history, lambda, 3, Map.of()))[2]);
        assertNotEquals(extra, new CmaEsSampler().suggest(context(BOX, history, lambda, 3, Map.of())));
        // a generation in which everything failed leaves the distribution unchanged
        List<Trial> failed = new ArrayList<>();
        for (Trial t : history) {
            failed.add(withState(t.number(), t.config(), TrialState.FAILED));
        }
        Config afterFailures = new CmaEsSampler().suggest(context(BOX, failed, lambda, 3, Map.of()));
        Config fromStart = new CmaEsSampler().suggest(context(BOX, List.of(), lambda, 3, Map.of()));
        assertEquals(fromStart, afterFailures);
    }

    @Test
    void ipopRestartsWithADoubledPopulationWhenTheSearchStagnates() {
        SearchSpace space = box(2);
        List<Trial> history = Studies.run(new CmaEsSampler(), space, c -> 1.0, 300, 5, Map.of());
        int[] state = CmaEsSampler.lambdaAndRun(context(space, history, 300, 5, Map.of()));
        assertTrue(state[1] >= 1, "restarted at least once: run " + state[1]);
        assertEquals(CmaSettings.defaultPopulationSize(2) << state[1], state[0]);
        int[] none = CmaEsSampler.lambdaAndRun(context(space, history, 300, 5, Map.of("restart", "none")));
        assertEquals(0, none[1]);
        // a discrete space converges to one configuration and restarts at once
        SearchSpace ints = SearchSpace.of(List.of(new IntParameter("k", 0, 3), new OrdinalParameter("o", List.of(1L, 2L))));
        List<Trial> discrete = Studies.run(new CmaEsSampler(), ints, c -> c.getLong("k") + c.getLong("o"), 120, 5, Map.of());
        assertTrue(CmaEsSampler.lambdaAndRun(context(ints, discrete, 120, 5, Map.of()))[1] >= 1);
        assertEquals(1.0, Studies.best(discrete));
    }

    @Test
    void categoricalParametersAreSampledUniformlyAndConfigsAreValid() {
        SearchSpace space = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false),
                new CategoricalParameter("c", List.of("a", "b", "c")), new IntParameter("k", 1, 1000, 1, true, null)));
        List<Trial> history = Studies.run(new CmaEsSampler(), space,
                c -> Math.abs(c.getDouble("x") - 0.3) + Math.abs(Math.log(c.getLong("k") / 50.0)), 150, 1, Map.of());
        Map<Object, Integer> counts = new java.util.HashMap<>();
        for (Trial t : history) {
            assertEquals(t.config(), space.validate(t.config()));
            counts.merge(t.config().get("c"), 1, Integer::sum);
        }
        assertEquals(3, counts.size());
        counts.values().forEach(k -> assertTrue(k > 25, counts.toString()));
        assertTrue(Studies.best(history) < 0.1, "best " + Studies.best(history));
    }

    @Test
    void rejectsSeveralObjectivesAndBadConfig() {
        SamplerContext two = new SamplerContext("s", BOX, List.of(new Objective("a", Direction.MINIMIZE),
                new Objective("b", Direction.MAXIMIZE)), List.of(), 0, 1, Map.of());
        assertThrows(IllegalArgumentException.class, () -> new CmaEsSampler().suggest(two));
        for (Map.Entry<String, String> bad : List.of(Map.entry("sigma0", "0"), Map.entry("sigma0", "x"),
                Map.entry("population_size", "1"), Map.entry("restart", "bipop"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CmaEsSampler().suggest(context(BOX, List.of(), 0, 1, Map.ofEntries(bad))));
            assertTrue(e.getMessage().contains("'" + bad.getKey() + "'"), e.getMessage());
        }
        assertEquals(12, CmaEsSampler.lambdaAndRun(context(BOX, List.of(), 0, 1, Map.of("population_size", "12")))[0]);
    }

    @Test
    void maximisationAndConstraintsAreRespected() {
        SearchSpace space = box(2);
        List<Objective> max = List.of(new Objective("g", Direction.MAXIMIZE));
        List<Trial> trials = new ArrayList<>();
        for (int t = 0; t < 200; t++) {
            Config c = new CmaEsSampler().suggest(new SamplerContext("s", space, max, trials, t, 9, Map.of()));
            double x0 = c.getDouble("x0"), x1 = c.getDouble("x1");
            // maximise -(x0^2 + x1^2) subject to x0 >= 1 (constraint 1 - x0 <= 0): optimum at (1, 0)
            trials.add(new Trial(t, t, TrialState.COMPLETE, c, List.of(-(x0 * x0 + x1 * x1)), List.of(), 0, Map.of(),
                    List.of(1 - x0)));
        }
        Trial best = trials.stream().filter(Trial::isFeasible).max((a, b) -> Double.compare(a.values().get(0), b.values().get(0))).orElseThrow();
        assertEquals(1.0, best.config().getDouble("x0"), 0.05);
        assertEquals(0.0, best.config().getDouble("x1"), 0.05);
    }

    @Test
    void jacobiEigenDecomposition() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 7;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = a[j][i] = r.nextGaussian();
            }
        }
        SymmetricEigen e = SymmetricEigen.of(a);
        for (int k = 0; k < n; k++) {
            double[] av = new double[n], lv = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    av[i] += a[i][j] * e.vectors[j][k];
                }
                lv[i] = e.values[k] * e.vectors[i][k];
            }
            assertArrayEquals(lv, av, 1e-10);
        }
    }

    @Test
    void firstGenerationSpreadsOneSixthOfTheBoxAroundItsCentre() {
        // Default sigma0 = 1/6 of the range (the box is about +-3 sigma0 around its centre): the
        // standard deviation of the first generation's coordinates estimates it. 4 generations of
        // the first run (lambda = 8 in 5-D) without tells stay in generation 1, so draw several
        // seeds: 200 coordinates, whose sample sd is within 15% of sigma with overwhelming odds.
        double sum = 0, sumSq = 0;
        int count = 0;
        for (long seed = 1; seed <= 5; seed++) {
            List<Trial> pending = new ArrayList<>();
            for (int t = 0; t < CmaSettings.defaultPopulationSize(N); t++) {
                Config c = new CmaEsSampler().suggest(context(BOX, pending, t, seed, Map.of()));
                pending.add(withState(t, c, TrialState.RUNNING));
                for (int i = 0; i < N; i++) {
                    double u = (c.getDouble("x" + i) + 5) / 10;
                    sum += u;
                    sumSq += u * u;
                    count++;
                }
            }
        }
        double mean = sum / count;
        double sd = Math.sqrt(sumSq / count - mean * mean);
        assertEquals(0.5, mean, 0.05, "first generation centred on the box");
        assertEquals(1.0 / 6, sd, 0.15 / 6, "first generation's spread is sigma0 = 1/6 of the range");
    }
}
