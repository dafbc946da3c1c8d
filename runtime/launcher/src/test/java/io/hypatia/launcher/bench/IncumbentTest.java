package io.hypatia.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class IncumbentTest {

    @Test
    void regretIsMeasuredInTheObjectivesDirection() {
        Incumbent inc = new Incumbent(List.of(new Objective("acc", Direction.MAXIMIZE)), OptionalDouble.of(0.9), Optional.empty());
        inc.add(List.of(0.5));
        inc.add(List.of(0.7));
        inc.add(List.of(0.6));
        assertEquals(Incumbent.Kind.REGRET, inc.kind());
        assertEquals(0.7, inc.best());
        assertEquals(0.9 - 0.7, inc.score(), 1e-15);
        inc.add(List.of(0.95)); // a lucky noisy draw beats the optimum of the means: signed regret
        assertEquals(-0.05, inc.score(), 1e-15);
    }

    @Test
    void severalObjectivesScoreTheHypervolumeInEachObjectivesDirection() {
        // minimise f1, maximise f2; reference (1, 0) means f1 < 1 and f2 > 0 count
        Incumbent inc = new Incumbent(List.of(new Objective("f1", Direction.MINIMIZE), new Objective("f2", Direction.MAXIMIZE)),
                OptionalDouble.empty(), Optional.of(List.of(1.0, 0.0)));
        inc.add(List.of(0.5, 0.5));
        assertEquals(Incumbent.Kind.HYPERVOLUME, inc.kind());
        assertEquals(0.25, inc.score(), 1e-15);
        inc.add(List.of(0.75, 0.25)); // dominated
        assertEquals(0.25, inc.score(), 1e-15);
        inc.add(List.of(0.25, 0.25));
        assertEquals(0.25 + 0.0625, inc.score(), 1e-15);
    }

    @Test
    void withoutAnOptimumTheBestIsScoredAsALoss() {
        Incumbent inc = new Incumbent(List.of(new Objective("acc", Direction.MAXIMIZE)), OptionalDouble.empty(), Optional.empty());
        inc.add(List.of(0.8));
        assertEquals(Incumbent.Kind.LOSS, inc.kind());
        assertEquals(-0.8, inc.score());
    }
}
