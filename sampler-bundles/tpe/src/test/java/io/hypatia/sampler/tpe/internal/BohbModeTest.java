package io.hypatia.sampler.tpe.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.SettingException;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * TPE in BOHB mode ({@code fidelity_rungs}): the model is fitted on the largest budget with enough
 * observations. The test problem's optimum moves with the budget: x = 0.2 at budgets 1-3, x = 0.8
 * from budget 4 on, as when short training favours other hyperparameters than long training.
 */
class BohbModeTest {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));
    private static final List<Objective> LOSS = List.of(new Objective("loss", Direction.MINIMIZE));

    private static double loss(double x, int step) {
        double opt = step <= 3 ? 0.2 : 0.8;
        return (x - opt) * (x - opt);
    }

    /**
     * 60 trials trained to budget 3 and paused there (the first rung of successive halving with
     * eta = 3), of which {@code promoted} (drawn at random) went on to budget 9 and completed.
     */
    private static List<Trial> history(int promoted, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Trial> trials = new ArrayList<>();
        for (int n = 0; n < 60; n++) {
            double x = rnd.nextDouble();
            boolean goesOn = n < promoted;
            List<IntermediateValue> curve = new ArrayList<>();
            for (int s = 1; s <= (goesOn ? 9 : 3); s++) {
                curve.add(new IntermediateValue(s, loss(x, s)));
            }
            TrialState state = goesOn ? TrialState.COMPLETE : TrialState.PAUSED;
            trials.add(new Trial(n, n, state, Config.of(Map.of("x", x)),
                    goesOn ? List.of(loss(x, 9)) : List.of(), curve, goesOn ? 9 : 3, Map.of()));
        }
        return trials;
    }

    /** Share of 40 suggestions (trial numbers 60-99) within 0.15 of {@code target}. */
    private static double shareNear(List<Trial> history, Map<String, String> config, double target) {
        int near = 0;
        for (int n = 60; n < 100; n++) {
            double x = new TpeSampler().suggest(new SamplerContext("s", SPACE, LOSS, history, n, 7, config)).getDouble("x");
            near += Math.abs(x - target) <= 0.15 ? 1 : 0;
        }
        return near / 40.0;
    }

    @Test
    void fitsOnTheLargestBudgetWithEnoughObservations() {
        for (String rungs : new String[] {"auto", "1,3,9"}) {
            Map<String, String> config = Map.of("fidelity_rungs", rungs);
            // 15 trials at budget 9 (>= n_startup_trials = 10): the model follows budget 9's optimum
            assertTrue(shareNear(history(15, 1), config, 0.8) >= 0.6, rungs);
            // only 5 at budget 9: too few, so the model is fitted on budget 3 (60 trials) and its optimum
            assertTrue(shareNear(history(5, 1), config, 0.2) >= 0.6, rungs);
        }
    }

    @Test
    void choosesTheBudgetFromReportedSteps() {
        List<Trial> h = history(15, 2);
        FidelityRungs auto = FidelityRungs.parse(TpeSettings.SETTINGS.read(Map.of("fidelity_rungs", "auto")));
        assertEquals(9.0, auto.budget(h, 10));
        assertEquals(9.0, auto.budget(h, 15));
        assertEquals(3.0, auto.budget(h, 16));
        FidelityRungs listed = FidelityRungs.parse(TpeSettings.SETTINGS.read(Map.of("fidelity_rungs", "1, 3, 27")));
        assertEquals(3.0, listed.budget(h, 16), "27 was never reached; 9 is not a listed rung");
        assertEquals(3.0, listed.budget(h, 100), "no budget has enough: the one with the most observations");
        assertEquals(null, FidelityRungs.parse(TpeSettings.SETTINGS.read(Map.of())), "off by default");
    }

    @Test
    void viewKeepsValuesAtTheBudgetAndPendingTrialsOnly() {
        List<Trial> h = new ArrayList<>(history(12, 3));
        h.add(new Trial(100, 60, TrialState.RUNNING, Config.of(Map.of("x", 0.5)), List.of(),
                List.of(new IntermediateValue(1, 0.09)), 9, Map.of()));
        h.add(new Trial(101, 61, TrialState.PRUNED, Config.of(Map.of("x", 0.5)), List.of(),
                List.of(new IntermediateValue(1, 0.09)), 9, Map.of()));
        SamplerContext view = FidelityRungs.view(new SamplerContext("s", SPACE, LOSS, h, 62, 1, Map.of()), 9);
        Map<TrialState, Integer> states = new HashMap<>();
        for (Trial t : view.trials()) {
            states.merge(t.state(), 1, Integer::sum);
            if (t.state() == TrialState.COMPLETE) {
                assertEquals(loss(t.config().getDouble("x"), 9), t.values().get(0), 1e-12);
            }
        }
        assertEquals(Map.of(TrialState.COMPLETE, 12, TrialState.RUNNING, 1), states);
    }

    @Test
    void badSettingsNameTheKey() {
        SettingException e = assertThrows(SettingException.class,
                () -> FidelityRungs.parse(TpeSettings.SETTINGS.read(Map.of("fidelity_rungs", "1,three"))));
        assertEquals("fidelity_rungs", e.key());
        e = assertThrows(SettingException.class,
                () -> FidelityRungs.parse(TpeSettings.SETTINGS.read(Map.of("fidelity_rungs", "0,3"))));
        assertEquals("fidelity_rungs", e.key());
        e = assertThrows(SettingException.class, () -> TpeSettings.SETTINGS.read(Map.of("random_fraction", "1.5")));
        assertEquals("random_fraction", e.key());
    }
}
