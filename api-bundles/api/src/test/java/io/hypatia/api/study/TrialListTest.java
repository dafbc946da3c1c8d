package io.hypatia.api.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hypatia.api.space.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrialListTest {
    private static Trial trial(int number, TrialState state) {
        return new Trial(number + 1, number, state, new Config(Map.of()), List.of(), List.of(), 0, Map.of(), List.of());
    }

    /** Random appends and replacements against an ArrayList, keeping every version: each must stay as it was. */
    @Test
    void everyVersionStaysAsItWasAcrossTreeGrowth() {
        SplittableRandom random = new SplittableRandom(7);
        TrialList list = TrialList.of();
        List<Trial> model = new ArrayList<>();
        List<TrialList> versions = new ArrayList<>();
        List<List<Trial>> expected = new ArrayList<>();
        for (int step = 0; step < 40_000; step++) {
            if (model.isEmpty() || random.nextInt(3) > 0) {
                Trial t = trial(model.size(), TrialState.RUNNING);
                list = list.with(model.size(), t);
                model.add(t);
            } else {
                int i = random.nextInt(model.size());
                Trial t = trial(i, TrialState.COMPLETE);
                list = list.with(i, t);
                model.set(i, t);
            }
            if (step % 997 == 0 || model.size() == 32 || model.size() == 33 || model.size() == 1025) {
                versions.add(list);
                expected.add(List.copyOf(model));
            }
        }
        assertEquals(model, list);
        assertEquals(model, new ArrayList<>(list)); // through the iterator
        for (int v = 0; v < versions.size(); v++) {
            assertEquals(expected.get(v), versions.get(v), "version " + v);
        }
    }

    @Test
    void copyOfKeepsATrialListAndRefusesNulls() {
        TrialList one = TrialList.of().with(0, trial(0, TrialState.WAITING));
        assertSame(one, TrialList.copyOf(one));
        assertEquals(one, TrialList.copyOf(List.of(trial(0, TrialState.WAITING))));
        List<Trial> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> TrialList.copyOf(withNull));
        assertThrows(IndexOutOfBoundsException.class, () -> one.with(2, trial(2, TrialState.WAITING)));
        assertThrows(IndexOutOfBoundsException.class, () -> one.get(1));
        assertThrows(UnsupportedOperationException.class, () -> one.add(trial(1, TrialState.WAITING)));
    }
}
