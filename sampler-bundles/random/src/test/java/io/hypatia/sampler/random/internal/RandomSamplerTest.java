package io.hypatia.sampler.random.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Condition;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomSamplerTest {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(
            new CategoricalParameter("kind", List.of("a", "b")),
            new FloatParameter("x", -1, 1, false, new Condition("kind", List.of("a")))));

    private static Config suggest(long seed, int trial) {
        return suggest(SPACE, seed, trial);
    }

    private static Config suggest(SearchSpace space, long seed, int trial) {
        return new RandomSampler().suggest(new SamplerContext("s", space, List.of(new Objective("y", Direction.MINIMIZE)),
                List.of(), trial, seed, Map.of()));
    }

    @Test
    void suggestionsDependOnlyOnSeedAndTrialNumber() {
        for (int t = 0; t < 20; t++) {
            assertEquals(suggest(42, t), suggest(42, t));
            assertEquals(suggest(42, t), SPACE.validate(suggest(42, t)));
        }
        assertNotEquals(List.of(suggest(1, 0), suggest(1, 1), suggest(1, 2)), List.of(suggest(2, 0), suggest(2, 1), suggest(2, 2)));
        assertNotEquals(suggest(1, 0), suggest(1, 1));
    }

    @Test
    void consecutiveSeedsAreIndependentStreamsNotShiftedCopies() {
        SearchSpace twoFloats = SearchSpace.of(List.of(new FloatParameter("a", 0, 1, false), new FloatParameter("b", 0, 1, false)));
        for (int t = 0; t < 20; t++) {
            Config seven = suggest(twoFloats, 7, t);
            Config eight = suggest(twoFloats, 8, t);
            assertNotEquals(seven.getDouble("b"), eight.getDouble("a"), 0.0, "seed 8 must not replay seed 7 one draw later");
            assertNotEquals(seven.getDouble("a"), eight.getDouble("a"), 0.0);
        }
    }
}
