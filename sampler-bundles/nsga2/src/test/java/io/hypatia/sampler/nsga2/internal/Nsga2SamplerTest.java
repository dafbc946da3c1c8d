package io.hypatia.sampler.nsga2.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Condition;
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
import io.hypatia.api.pareto.Hypervolume;
import io.hypatia.api.pareto.ParetoRanking;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class Nsga2SamplerTest {
    static final SearchSpace ZDT_SPACE = unitBox(5);
    static final List<Objective> TWO_MIN = List.of(new Objective("f1", Direction.MINIMIZE), new Objective("f2", Direction.MINIMIZE));
    static final double[] REFERENCE = {1.1, 1.1};

    static SearchSpace unitBox(int n) {
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ps.add(new FloatParameter("x" + i, 0, 1, false));
        }
        return SearchSpace.of(ps);
    }

    /** ZDT1 (Zitzler, Deb and Thiele 2000): f1 = x1, g = 1 + 9 sum(x2..xn)/(n-1), f2 = g (1 - sqrt(f1/g)). */
    static List<Double> zdt1(Config c) {
        int n = c.values().size();
        double f1 = c.getDouble("x0");
        double g = 1 + 9 * tail(c) / (n - 1);
        return List.of(f1, g * (1 - Math.sqrt(f1 / g)));
    }

    /** x2 + ... + xn. */
    static double tail(Config c) {
        double sum = 0;
        for (int i = 1; i < c.values().size(); i++) {
            sum += c.getDouble("x" + i);
        }
        return sum;
    }

    static List<Trial> run(Sampler sampler, SearchSpace space, List<Objective> objectives, Function<Config, Trial> evaluate,
                           int budget, long seed, Map<String, String> config) {
        List<Trial> trials = new ArrayList<>();
        for (int t = 0; t < budget; t++) {
            Config c = sampler.suggest(new SamplerContext("zdt", space, objectives, trials, t, seed, config));
            Trial e = evaluate.apply(c);
            trials.add(new Trial(t, t, e.state(), c, e.values(), List.of(), 0, Map.of(), e.constraints()));
        }
        return trials;
    }

    static Trial result(List<Double> values, List<Double> constraints) {
        return new Trial(0, 0, TrialState.COMPLETE, Config.of(Map.of()), values, List.of(), 0, Map.of(), constraints);
    }

    static double hypervolume(List<Trial> trials) {
        double[][] pts = trials.stream().filter(t -> t.state() == TrialState.COMPLETE && t.isFeasible())
                .map(t -> new double[]{t.values().get(0), t.values().get(1)}).toArray(double[][]::new);
        return Hypervolume.of(pts, REFERENCE);
    }

    static final Sampler RANDOM = c -> c.space().sampleUniform(c.random());

    private static double[][] compareOnZdt1(int n, int budget) {
        SearchSpace space = unitBox(n);
        double[] nsga = new double[3], random = new double[3];
        for (int s = 0; s < 3; s++) {
            nsga[s] = hypervolume(run(new Nsga2Sampler(), space, TWO_MIN, c -> result(zdt1(c), List.of()), budget, 11 + s, Map.of()));
            random[s] = hypervolume(run(RANDOM, space, TWO_MIN, c -> result(zdt1(c), List.of()), budget, 11 + s, Map.of()));
        }
        System.out.printf("ZDT1 n=%d, %d evaluations, HV w.r.t. (1.1, 1.1) (optimum %.4f): nsga2 %s, random %s%n",
                n, budget, optimumHypervolume(), Arrays.toString(nsga), Arrays.toString(random));
        return new double[][]{nsga, random};
    }

    /** The hypervolume of the true ZDT1 front f2 = 1 - sqrt(f1), sampled densely (0.8767). */
    static double optimumHypervolume() {
        double[][] front = new double[10001][];
        for (int i = 0; i < front.length; i++) {
            double f1 = i / 10000.0;
            front[i] = new double[]{f1, 1 - Math.sqrt(f1)};
        }
        return Hypervolume.of(front, REFERENCE);
    }

    @Test
    void approachesTheZdt1FrontAndBeatsRandomSearch() {
        double optimum = optimumHypervolume();
        assertEquals(0.1 + 2.0 / 3 + 0.11, optimum, 1e-4);
        double[][] hv = compareOnZdt1(5, 2000);
        for (int s = 0; s < 3; s++) {
            // 95-99% of the optimum across seeds at this budget; random search reaches 15-35%
            assertTrue(hv[0][s] > 0.93 * optimum, "nsga2 HV " + hv[0][s] + " vs optimum " + optimum);
            assertTrue(hv[0][s] > hv[1][s] + 0.4, "nsga2 HV " + hv[0][s] + " vs random " + hv[1][s]);
        }
    }

    @Test
    void onThirtyVariableZdt1ItClearlyBeatsRandomSearch() {
        // 2,000 evaluations are far from convergence with n = 30 (NSGA-II needs ~10^4), but the
        // front is well inside the reference box while random search's is not
        double[][] hv = compareOnZdt1(30, 2000);
        for (int s = 0; s < 3; s++) {
            assertTrue(hv[0][s] > hv[1][s] + 0.25, "nsga2 HV " + hv[0][s] + " vs random " + hv[1][s]);
        }
    }

    @Test
    void prefersFeasiblePoints() {
        // ZDT1 with the constraint x2 + ... + x5 <= 0.5 (value x2 + ... + x5 - 0.5 <= 0): a random
        // point is feasible with probability 0.5^4 / 4! = 0.26%; the constrained front is ZDT1's
        Function<Config, Trial> constrained = c -> result(zdt1(c), List.of(tail(c) - 0.5));
        Map<String, String> config = Map.of("population_size", "20");
        List<Trial> nsga = run(new Nsga2Sampler(), ZDT_SPACE, TWO_MIN, constrained, 600, 3, config);
        List<Trial> random = run(RANDOM, ZDT_SPACE, TWO_MIN, constrained, 600, 3, config);
        double nsgaFeasible = nsga.subList(500, 600).stream().filter(Trial::isFeasible).count() / 100.0;
        double randomFeasible = random.stream().filter(Trial::isFeasible).count() / 600.0;
        System.out.printf("constrained ZDT1: feasible share of the last 100 nsga2 trials %.2f, of random trials %.3f; "
                + "feasible HV nsga2 %.4f, random %.4f%n", nsgaFeasible, randomFeasible, hypervolume(nsga), hypervolume(random));
        assertTrue(nsgaFeasible >= 0.8, "nsga2 feasible share " + nsgaFeasible);
        assertTrue(hypervolume(nsga) > hypervolume(random) + 0.3);
        // survival: every feasible trial ranks ahead of every infeasible one
        List<Nsga2Sampler.Member> pool = new ArrayList<>();
        for (Trial t : nsga) {
            pool.add(new Nsga2Sampler.Member(t, new double[0], new double[]{t.values().get(0), t.values().get(1)},
                    io.hypatia.api.pareto.ConstrainedOrder.violation(t), 0, 0));
        }
        List<Nsga2Sampler.Member> kept = Nsga2Sampler.survivors(pool, 20);
        assertTrue(kept.stream().allMatch(m -> m.violation() == 0));
        // among the infeasible random first generation, the smallest total violations survive
        List<Nsga2Sampler.Member> first = pool.subList(0, 20);
        assertTrue(first.stream().filter(m -> m.violation() == 0).count() <= 1, "a random generation is almost all infeasible");
        List<Integer> survivors = Nsga2Sampler.survivors(first, 5).stream().map(m -> m.trial().number()).sorted().toList();
        List<Integer> leastViolating = first.stream().sorted((x, y) -> Double.compare(x.violation(), y.violation())).limit(5)
                .map(m -> m.trial().number()).sorted().toList();
        assertEquals(leastViolating, survivors);
    }

    @Test
    void survivalKeepsTheFirstFrontsAndCutsTheLastByCrowding() {
        double[][] losses = {{0, 4}, {1, 3}, {1.1, 2.9}, {3, 1}, {4, 0}, {2, 4}, {5, 5}};
        List<Nsga2Sampler.Member> pool = new ArrayList<>();
        for (int i = 0; i < losses.length; i++) {
            Trial t = new Trial(i, i, TrialState.COMPLETE, Config.of(Map.of()), List.of(losses[i][0], losses[i][1]), List.of(), 0, Map.of());
            pool.add(new Nsga2Sampler.Member(t, new double[0], losses[i], 0, 0, 0));
        }
        List<Nsga2Sampler.Member> kept = Nsga2Sampler.survivors(pool, 4);
        // front 0 = trials 0..4; the extremes 0 and 4 are infinitely crowded; of 1, 2, 3 the most
        // isolated survive: 3 (gap 1.9 + 1.9) before 1 (gap 1.1 + 1.1), and 2 (gap 2 + 2)
        List<Integer> numbers = kept.stream().map(m -> m.trial().number()).sorted().toList();
        assertEquals(List.of(0, 2, 3, 4), numbers);
        assertTrue(kept.stream().allMatch(m -> m.rank() == 0));
        assertEquals(7, Nsga2Sampler.survivors(pool, 10).size());
        assertEquals(2, Nsga2Sampler.survivors(pool, 10).stream().filter(m -> m.rank() > 0).map(m -> m.rank()).distinct().count());
        assertEquals(0, ParetoRanking.ranks(losses)[0]);
    }

    @Test
    void suggestionsAreReproducibleFromTheHistoryAlone() {
        Map<String, String> config = Map.of("population_size", "10");
        List<Trial> history = run(new Nsga2Sampler(), ZDT_SPACE, TWO_MIN, c -> result(zdt1(c), List.of()), 45, 5, config);
        for (int t = 0; t < history.size(); t++) {
            Config again = new Nsga2Sampler().suggest(new SamplerContext("zdt", ZDT_SPACE, TWO_MIN, history.subList(0, t), t, 5, config));
            assertEquals(history.get(t).config(), again, "trial " + t);
        }
        // a long-lived instance's cache follows an edited history
        Nsga2Sampler longLived = new Nsga2Sampler();
        longLived.suggest(new SamplerContext("zdt", ZDT_SPACE, TWO_MIN, history, 45, 5, config));
        List<Trial> edited = new ArrayList<>(history);
        Trial old = history.get(12);
        edited.set(12, new Trial(12, 12, TrialState.FAILED, old.config(), List.of(), List.of(), 0, Map.of()));
        SamplerContext editedContext = new SamplerContext("zdt", ZDT_SPACE, TWO_MIN, edited, 45, 5, config);
        assertEquals(new Nsga2Sampler().suggest(editedContext), longLived.suggest(editedContext));
        assertNotEquals(new Nsga2Sampler().suggest(new SamplerContext("zdt", ZDT_SPACE, TWO_MIN, history, 45, 6, config)),
                new Nsga2Sampler().suggest(new SamplerContext("zdt", ZDT_SPACE, TWO_MIN, history, 45, 5, config)));
    }

    @Test
    void mixedAndConditionalSpacesGiveValidConfigurations() {
        SearchSpace space = SearchSpace.of(List.of(
                new CategoricalParameter("model", List.of("linear", "tree")),
                new FloatParameter("alpha", 1e-4, 10, true, new Condition("model", List.of("linear"))),
                new IntParameter("depth", 1, 12, 1, false, new Condition("model", List.of("tree"))),
                new OrdinalParameter("batch", List.of(16L, 32L, 64L)),
                new IntParameter("units", 8, 256, 8, false, null)));
        List<Objective> objectives = List.of(new Objective("acc", Direction.MAXIMIZE), new Objective("cost", Direction.MINIMIZE));
        Function<Config, Trial> f = c -> {
            double acc = c.getString("model").equals("tree") ? 0.8 - Math.abs(c.getLong("depth") - 6) * 0.02 : 0.7 - Math.abs(Math.log10(c.getDouble("alpha"))) * 0.05;
            return result(List.of(acc, c.getLong("units") * c.getLong("batch") / 1000.0), List.of());
        };
        List<Trial> trials = run(new Nsga2Sampler(), space, objectives, f, 200, 2, Map.of("population_size", "20"));
        for (Trial t : trials) {
            assertEquals(t.config(), space.validate(t.config()));
        }
        assertTrue(trials.subList(150, 200).stream().anyMatch(t -> t.config().getString("model").equals("tree")));
    }

    @Test
    void badConfigNamesTheKey() {
        for (Map.Entry<String, String> bad : List.of(Map.entry("population_size", "1"), Map.entry("population_size", "x"),
                Map.entry("crossover_prob", "1.5"), Map.entry("mutation_prob", "-0.1"), Map.entry("eta_c", "abc"),
                Map.entry("eta_m", "-1"), Map.entry("swapping_prob", "2"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Nsga2Sampler().suggest(
                    new SamplerContext("s", ZDT_SPACE, TWO_MIN, List.of(), 0, 1, Map.ofEntries(bad))));
            assertTrue(e.getMessage().contains("'" + bad.getKey() + "'"), e.getMessage());
        }
    }

    @Test
    void variationOperatorsStayInBoundsAndNearTheParents() {
        SplittableRandom r = new SplittableRandom(1);
        double spread = 0;
        for (int i = 0; i < 20000; i++) {
            double a = r.nextDouble(), b = r.nextDouble();
            double[] c = Variation.sbx(a, b, 20, r);
            assertTrue(c[0] >= 0 && c[0] <= 1 && c[1] >= 0 && c[1] <= 1);
            spread += Math.min(Math.abs(c[0] - a), Math.abs(c[0] - b)) / Math.max(1e-12, Math.abs(a - b));
            double m = Variation.polynomialMutation(a, 20, r);
            assertTrue(m >= 0 && m <= 1);
        }
        assertTrue(spread / 20000 < 0.1, "with eta_c = 20 children stay close to a parent: " + spread / 20000);
        double[] same = Variation.sbx(0.3, 0.3, 20, r);
        assertEquals(0.3, same[0]);
        assertEquals(0.3, same[1]);
    }
}
