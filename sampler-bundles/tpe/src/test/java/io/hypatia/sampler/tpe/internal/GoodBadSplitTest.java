package io.hypatia.sampler.tpe.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoodBadSplitTest {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));

    private static Config at(double x) {
        return Config.of(Map.of("x", x));
    }

    private static Trial trial(int number, TrialState state, List<Double> values, List<Double> constraints,
                               List<IntermediateValue> intermediates) {
        return new Trial(number, number, state, at(number / 100.0), values, intermediates, 0, Map.of(), constraints);
    }

    private static int[] numbers(History h, int[] observations) {
        return Arrays.stream(observations).map(o -> h.number[o]).toArray();
    }

    private static GoodBadSplit split(List<Trial> trials, List<Objective> objectives, Map<String, String> config) {
        SpaceCoding coding = new SpaceCoding(SPACE);
        TpeSettings settings = TpeSettings.parse(config);
        History h = History.of(AskTellLoop.context(SPACE, objectives, trials, 0, config), coding, settings.constantLiar());
        return GoodBadSplit.of(h, settings);
    }

    @Test
    void feasibleFirstThenByViolationThenPartialThenPending() {
        List<Trial> trials = new ArrayList<>();
        trials.add(trial(0, TrialState.COMPLETE, List.of(5.0), List.of(-1.0), List.of()));            // feasible, worse
        trials.add(trial(1, TrialState.COMPLETE, List.of(-100.0), List.of(3.0), List.of()));          // infeasible, best loss
        trials.add(trial(2, TrialState.COMPLETE, List.of(1.0), List.of(0.0), List.of()));             // feasible, best
        trials.add(trial(3, TrialState.COMPLETE, List.of(50.0), List.of(0.5), List.of()));            // infeasible, small violation
        trials.add(trial(4, TrialState.PRUNED, List.of(), List.of(), List.of(new IntermediateValue(3, 0.1))));
        trials.add(trial(5, TrialState.PRUNED, List.of(), List.of(), List.of(new IntermediateValue(9, 7.0))));
        trials.add(trial(6, TrialState.RUNNING, List.of(), List.of(), List.of()));
        trials.add(trial(7, TrialState.FAILED, List.of(), List.of(), List.of()));
        // gamma = 0.5 of 6 finished trials -> 3 good
        Map<String, String> config = Map.of("gamma", "0.5");
        SpaceCoding coding = new SpaceCoding(SPACE);
        History h = History.of(AskTellLoop.context(SPACE, AskTellLoop.MINIMIZE, trials, 0, config), coding, true);
        GoodBadSplit s = GoodBadSplit.of(h, TpeSettings.parse(config));
        assertArrayEquals(new int[] {2, 0, 3}, numbers(h, s.good()));
        // then the remaining infeasible one, the partial ones (further step first), then the pending one
        assertArrayEquals(new int[] {1, 5, 4, 6}, numbers(h, s.bad()));

        History withoutLiar = History.of(AskTellLoop.context(SPACE, AskTellLoop.MINIMIZE, trials, 0, config), coding, false);
        assertArrayEquals(new int[] {1, 5, 4}, numbers(withoutLiar, GoodBadSplit.of(withoutLiar, TpeSettings.parse(config)).bad()));
    }

    @Test
    void maximisedObjectivesAreNegated() {
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            trials.add(trial(i, TrialState.COMPLETE, List.of((double) i), List.of(), List.of()));
        }
        GoodBadSplit s = split(trials, List.of(new Objective("acc", Direction.MAXIMIZE)), Map.of("gamma", "0.2"));
        assertEquals(2, s.good().length);
        assertEquals(8, s.bad().length);
        assertTrue(Arrays.stream(s.good()).allMatch(o -> o >= 8), Arrays.toString(s.good()));
    }

    @Test
    void motpeFillsFrontsAndBreaksTheLastOneByHypervolume() {
        List<Objective> two = List.of(new Objective("a", Direction.MINIMIZE), new Objective("b", Direction.MINIMIZE));
        List<Trial> trials = new ArrayList<>();
        // front 0: five points on a line; the two extremes and the middle add the most hypervolume
        double[][] front0 = {{0, 1}, {0.1, 0.9}, {0.5, 0.5}, {0.9, 0.1}, {1, 0}};
        for (int i = 0; i < front0.length; i++) {
            trials.add(trial(i, TrialState.COMPLETE, List.of(front0[i][0], front0[i][1]), List.of(), List.of()));
        }
        // dominated points
        for (int i = 5; i < 20; i++) {
            trials.add(trial(i, TrialState.COMPLETE, List.of(2.0 + i, 2.0 + i), List.of(), List.of()));
        }
        // 20 finished, gamma 0.15 -> 3 good, all from front 0
        GoodBadSplit s = split(trials, two, Map.of("gamma", "0.15"));
        int[] good = s.good().clone();
        Arrays.sort(good);
        assertEquals(3, good.length);
        assertTrue(Arrays.stream(good).allMatch(o -> o < 5), Arrays.toString(good));
        // weights: hypervolume contributions, every point keeps a positive weight
        assertEquals(3, s.goodWeights().length);
        assertTrue(Arrays.stream(s.goodWeights()).allMatch(w -> w > 0));
        assertEquals(3.0, Arrays.stream(s.goodWeights()).sum(), 1e-9);
    }
}
