package io.hypatia.sampler.gp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Condition;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class GpSamplerTest {

    private static final SearchSpace MIXED = SearchSpace.of(List.of(
            new FloatParameter("lr", 1e-5, 1e-1, true),
            new IntParameter("layers", 1, 9, 2, false, null),
            new IntParameter("units", 8, 512, 1, true, null),
            new OrdinalParameter("batch", List.of(16L, 32L, 64L, 128L)),
            new CategoricalParameter("opt", List.of("sgd", "adam", "rmsprop")),
            new FloatParameter("momentum", 0.0, 0.99, false, new Condition("opt", List.of("sgd"))),
            new CategoricalParameter("nesterov", List.of("yes", "no"), new Condition("opt", List.of("sgd")))));

    /** Best with opt=adam, lr≈1e-3, layers=5, units≈128, batch 64. */
    private static double mixedLoss(Config c) {
        double loss = Math.pow(Math.log10(c.getDouble("lr")) + 3, 2)
                + Math.pow((c.getLong("layers") - 5) / 4.0, 2)
                + Math.pow(Math.log(c.getLong("units") / 128.0), 2) / 4
                + Math.abs(c.getLong("batch") - 64) / 64.0;
        switch (c.getString("opt")) {
            case "adam" -> loss += 0;
            case "rmsprop" -> loss += 1.0;
            default -> loss += 1.5 + (1 - c.getDouble("momentum")) + (c.getString("nesterov").equals("yes") ? 0 : 0.5);
        }
        return loss;
    }

    @Test
    void mixedAndConditionalSpacesGetValidConfigsAndTheGoodCategory() {
        Map<String, String> cfg = Map.of("n_startup_trials", "8");
        List<Trial> trials = StudyLoop.run(new GpSampler(), MIXED, GpSamplerTest::mixedLoss, null, 35, 7, cfg);
        int adam = 0;
        for (Trial t : trials) {
            assertEquals(t.config(), MIXED.validate(t.config()), "valid and canonical: " + t.config());
            assertEquals(t.config().has("momentum"), t.config().getString("opt").equals("sgd"));
            assertEquals(t.config().has("nesterov"), t.config().getString("opt").equals("sgd"));
            if (t.number() >= 8 && t.config().getString("opt").equals("adam")) {
                adam++;
            }
        }
        System.out.printf("mixed space: %d of 27 GP suggestions chose the best category, best loss %.3f%n", adam, StudyLoop.best(trials));
        // Random search would pick adam a third of the time.
        assertTrue(adam >= 14, "GP suggestions with the best category: " + adam + " of 27");
        double best = StudyLoop.best(trials);
        assertTrue(best < 0.6, "best mixed loss " + best);
    }

    @Test
    void purelyDiscreteSpacesWork() {
        SearchSpace space = SearchSpace.of(List.of(
                new CategoricalParameter("a", List.of("x", "y", "z")),
                new IntParameter("b", 0, 6),
                new OrdinalParameter("c", List.of(1.5, 2.5, 3.5))));
        Function<Config, Double> f = c -> (c.getString("a").equals("z") ? 0 : 1) + Math.abs(c.getLong("b") - 4)
                + Math.abs(c.getDouble("c") - 2.5);
        List<Trial> trials = StudyLoop.run(new GpSampler(), space, f, null, 25, 3, Map.of("n_startup_trials", "5"));
        for (Trial t : trials) {
            assertEquals(t.config(), space.validate(t.config()));
        }
        assertEquals(0.0, StudyLoop.best(trials), "the optimum a=z, b=4, c=2.5 is found among 63 configurations");
    }

    @Test
    void suggestionsAreReproducibleForAFixedSeedAndHistory() {
        SearchSpace space = StudyLoop.unitCube(3);
        Function<Config, Double> f = c -> StudyLoop.hartmann6(new double[] {
                c.getDouble("x0"), c.getDouble("x1"), c.getDouble("x2"), 0.3, 0.3, 0.6});
        List<Trial> a = StudyLoop.run(new GpSampler(), space, f, null, 18, 11, Map.of());
        List<Trial> b = StudyLoop.run(new GpSampler(), space, f, null, 18, 11, Map.of());
        assertEquals(a.stream().map(Trial::config).toList(), b.stream().map(Trial::config).toList());

        // A warm cache (same data already fitted) answers exactly as a fresh instance.
        GpSampler warm = new GpSampler();
        SamplerContext ctx = StudyLoop.context(space, a, 11, Map.of());
        Config first = warm.suggest(ctx);
        assertEquals(first, warm.suggest(ctx));
        assertEquals(first, new GpSampler().suggest(ctx));
        // Another seed or another trial number gives another suggestion.
        assertNotEquals(first, new GpSampler().suggest(StudyLoop.context(space, a, 12, Map.of())));
        assertNotEquals(a.get(15).config(), StudyLoop.run(new GpSampler(), space, f, null, 18, 12, Map.of()).get(15).config());
    }

    @Test
    void startupTrialsAreUniformRandomAsTheRandomSampler() {
        SearchSpace space = StudyLoop.unitCube(2);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SamplerContext ctx = StudyLoop.context(space, trials, 5, Map.of("n_startup_trials", "4"));
            Config c = new GpSampler().suggest(ctx);
            assertEquals(space.sampleUniform(ctx.random()), c);
            trials.add(StudyLoop.complete(i, c, c.getDouble("x0"), List.of()));
        }
        SamplerContext ctx = StudyLoop.context(space, trials, 5, Map.of("n_startup_trials", "4"));
        assertNotEquals(space.sampleUniform(ctx.random()), new GpSampler().suggest(ctx));
    }

    @Test
    void badConfigurationNamesTheKey() {
        SearchSpace space = StudyLoop.unitCube(2);
        for (Map.Entry<String, String> bad : List.of(Map.entry("n_startup_trials", "-1"), Map.entry("n_candidates", "many"),
                Map.entry("n_candidates", "0"), Map.entry("n_restarts", "0"), Map.entry("liar", "mean"),
                Map.entry("max_fit_points", "3"), Map.entry("n_local_starts", "1.5"), Map.entry("output_warping", "log"),
                Map.entry("noise_floor", "0"), Map.entry("noise_floor", "0.5"))) {
            SamplerContext ctx = StudyLoop.context(space, List.of(), 1, Map.of(bad.getKey(), bad.getValue()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GpSampler().suggest(ctx));
            assertTrue(e.getMessage().contains("'" + bad.getKey() + "'"), e.getMessage());
        }
        Map<String, String> good = Map.of("n_startup_trials", "0", "n_candidates", "300", "n_restarts", "1",
                "liar", "MIN", "seed", "3", "max_fit_points", "50", "n_local_starts", "0", "output_warping", "none", "noise_floor", "1e-10");
        assertEquals(GpSettings.parse(good), new GpSettings(0, 300, 1, GpSettings.Liar.MIN, 50, 0, false, 1e-10));
        assertEquals(GpSettings.DEFAULTS, GpSettings.parse(Map.of()));
    }

    /** Feasible when within 0.2 of (0.8, 0.7): 12.6% of the square. */
    private static double disk(Config c) {
        double a = c.getDouble("x0") - 0.8, b = c.getDouble("x1") - 0.7;
        return a * a + b * b - 0.04;
    }

    /** Branin restricted to a disk of radius 3 around its middle minimum (π, 2.275): about 11% of the box. */
    private static double aroundMiddleMinimum(Config c) {
        double a = c.getDouble("x1") - Math.PI, b = c.getDouble("x2") - 2.275;
        return a * a + b * b - 9;
    }

    @Test
    void constrainedSearchSuggestsFeasiblePointsAndReportsTheBestFeasible() {
        SearchSpace space = SearchSpace.of(List.of(
                new FloatParameter("x1", -5, 10, false), new FloatParameter("x2", 0, 15, false)));
        Function<Config, Double> f = c -> StudyLoop.branin(c.getDouble("x1"), c.getDouble("x2"));
        int feasible = 0, counted = 0;
        double[] bestFeasible = new double[3];
        for (int seed = 0; seed < 3; seed++) {
            List<Trial> trials = StudyLoop.run(new GpSampler(), space, f, GpSamplerTest::aroundMiddleMinimum, 40, seed, Map.of());
            bestFeasible[seed] = trials.stream().filter(Trial::isFeasible).mapToDouble(t -> t.values().get(0)).min().orElse(99);
            for (int i = 10; i < 40; i++) {
                counted++;
                feasible += trials.get(i).isFeasible() ? 1 : 0;
            }
        }
        double share = (double) feasible / counted;
        System.out.printf("Branin in a disk (11%% feasible): feasible share of GP suggestions %.2f, best feasible %s%n",
                share, java.util.Arrays.toString(bestFeasible));
        assertTrue(share > 0.7, "feasible share " + share);
        for (double b : bestFeasible) {
            assertTrue(b < StudyLoop.BRANIN_MIN + 0.05, "best feasible " + b);
        }
    }

    @Test
    void constrainedSearchConvergesToTheFeasibleBoundaryWhenTheFreeOptimumIsInfeasible() {
        SearchSpace space = StudyLoop.unitCube(2);
        Function<Config, Double> f = c -> c.getDouble("x0") + c.getDouble("x1");
        double constrainedOptimum = 1.5 - 0.2 * Math.sqrt(2);
        double[] gaps = new double[3];
        double[] violationGp = new double[60], violationBlind = new double[60];
        for (int seed = 0; seed < 2; seed++) {
            List<Trial> withModel = StudyLoop.run(new GpSampler(), space, f, GpSamplerTest::disk, 40, seed, Map.of());
            // The same study with the constraint hidden from the sampler.
            List<Trial> blind = StudyLoop.run(new GpSampler(), space, f, null, 40, seed, Map.of());
            gaps[seed] = withModel.stream().filter(Trial::isFeasible).mapToDouble(t -> t.values().get(0)).min().orElse(99)
                    - constrainedOptimum;
            for (int i = 10; i < 40; i++) {
                violationGp[seed * 30 + i - 10] = Math.max(0, disk(withModel.get(i).config()));
                violationBlind[seed * 30 + i - 10] = Math.max(0, disk(blind.get(i).config()));
            }
        }
        double gp = StudyLoop.median(java.util.Arrays.copyOf(violationGp, 60));
        double blind = StudyLoop.median(java.util.Arrays.copyOf(violationBlind, 60));
        System.out.printf("linear objective, optimum on the disk boundary: median violation GP %.2e, blind GP %.2e; gaps %s%n",
                gp, blind, java.util.Arrays.toString(java.util.Arrays.copyOf(gaps, 2)));
        assertTrue(gp < 1e-3 && blind > 0.1, gp + " vs " + blind);
        for (int seed = 0; seed < 2; seed++) {
            assertTrue(gaps[seed] >= -1e-9 && gaps[seed] < 0.02, "gap to the constrained optimum " + gaps[seed]);
        }
    }

    @Test
    void pendingTrialsPushTheNextSuggestionAway() {
        SearchSpace space = SearchSpace.of(List.of(
                new FloatParameter("x1", -5, 10, false), new FloatParameter("x2", 0, 15, false)));
        Function<Config, Double> f = c -> StudyLoop.branin(c.getDouble("x1"), c.getDouble("x2"));
        List<Trial> history = StudyLoop.run(new GpSampler(), space, f, null, 20, 21, Map.of());
        Config first = new GpSampler().suggest(StudyLoop.context(space, history, 21, Map.of()));
        List<Trial> withPending = new ArrayList<>(history);
        withPending.add(StudyLoop.running(history.size(), first));
        double[] distance = new double[3];
        String[] liars = {"none", "believer", "min"};
        for (int k = 0; k < 3; k++) {
            SamplerContext ctx = new SamplerContext("test", space, List.of(StudyLoop.MINIMIZE), withPending,
                    withPending.size(), 21, Map.of("liar", liars[k]));
            Config next = new GpSampler().suggest(ctx);
            distance[k] = Math.hypot((next.getDouble("x1") - first.getDouble("x1")) / 15,
                    (next.getDouble("x2") - first.getDouble("x2")) / 15);
        }
        System.out.printf("distance of the 2nd suggestion from the pending 1st: none %.4f, believer %.4f, min %.4f%n",
                distance[0], distance[1], distance[2]);
        assertTrue(distance[0] < 0.01, "without a liar the pending point is suggested again: " + distance[0]);
        assertTrue(distance[1] > 0.03, "believer: " + distance[1]);
        assertTrue(distance[2] > 0.03, "constant liar: " + distance[2]);
    }

    @Test
    void severalObjectivesAndUnusableTrialsAreHandled() {
        SearchSpace space = StudyLoop.unitCube(2);
        List<Objective> objectives = List.of(new Objective("a", Direction.MINIMIZE), new Objective("b", Direction.MAXIMIZE));
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            SamplerContext ctx = new SamplerContext("mo", space, objectives, trials, i, 4, Map.of("n_startup_trials", "5"));
            Config c = new GpSampler().suggest(ctx);
            assertEquals(c, space.validate(c));
            double x = c.getDouble("x0"), y = c.getDouble("x1");
            TrialState state = i % 7 == 6 ? TrialState.FAILED : TrialState.COMPLETE;
            List<Double> values = state == TrialState.COMPLETE ? List.of(x * x + y, -(1 - x) * (1 - x) - y) : List.of();
            trials.add(new Trial(i, i, state, c, values, List.of(), 0, Map.of()));
        }
        // A NaN value (which the engine should never pass on) is skipped rather than poisoning the model.
        trials.add(new Trial(99, 20, TrialState.COMPLETE, trials.get(0).config(), List.of(Double.NaN, 1.0), List.of(), 0, Map.of()));
        Config c = new GpSampler().suggest(new SamplerContext("mo", space, objectives, trials, 21, 4, Map.of()));
        assertEquals(c, space.validate(c));
    }
}
