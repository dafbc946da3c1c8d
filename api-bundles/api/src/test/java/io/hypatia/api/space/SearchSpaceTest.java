package io.hypatia.api.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

    private static String fieldOf(List<Parameter> params) {
        return assertThrows(InvalidSpaceException.class, () -> SearchSpace.of(params)).field();
    }

    @Test
    void invalidSpacesNameTheBadField() {
        assertEquals("params", fieldOf(List.of()));
        assertEquals("params[0].name", fieldOf(List.of(new FloatParameter("", 0, 1, false))));
        assertEquals("params[0].low", fieldOf(List.of(new FloatParameter("x", 2, 1, false))));
        assertEquals("params[0].low", fieldOf(List.of(new FloatParameter("x", 0, 1, true))));
        assertEquals("params[0].low", fieldOf(List.of(new IntParameter("n", 0, 8, 1, true, null))));
        assertEquals("params[0].step", fieldOf(List.of(new IntParameter("n", 0, 9, 2, false, null))));
        assertEquals("params[0].choices", fieldOf(List.of(new CategoricalParameter("c", List.of()))));
        assertEquals("params[0].choices[1]", fieldOf(List.of(new OrdinalParameter("o", List.of(1L, 1.0)))));
        assertEquals("params[1].name", fieldOf(List.of(new FloatParameter("x", 0, 1, false), new FloatParameter("x", 0, 1, false))));
        assertEquals("params[0].condition.parent", fieldOf(List.of(
                new FloatParameter("x", 0, 1, false, new Condition("missing", List.of("a"))))));
        assertEquals("params[1].condition.values[0]", fieldOf(List.of(new CategoricalParameter("c", List.of("a", "b")),
                new FloatParameter("x", 0, 1, false, new Condition("c", List.of("z"))))));
        InvalidSpaceException later = assertThrows(InvalidSpaceException.class, () -> SearchSpace.of(List.of(
                new FloatParameter("x", 0, 1, false, new Condition("c", List.of("a"))),
                new CategoricalParameter("c", List.of("a", "b")))));
        assertTrue(later.getMessage().contains("must be declared before"), later.getMessage());
    }

    @Test
    void uniformSamplingCoversEveryKindInItsOwnScaleAndRespectsConditions() {
        SearchSpace space = SearchSpace.of(List.of(
                new FloatParameter("lr", 1e-5, 1e-1, true),
                new IntParameter("units", 16, 256, 16, false, null),
                new IntParameter("batch", 1, 1024, 1, true, null),
                new CategoricalParameter("opt", List.of("sgd", "adam", "rmsprop")),
                new FloatParameter("momentum", 0, 1, false, new Condition("opt", List.of("sgd", "rmsprop"))),
                new OrdinalParameter("depth", List.of(1L, 2L, 4L, 8L))));
        SplittableRandom rnd = new SplittableRandom(1);
        int n = 30_000, lrBelowGeoMean = 0, batchBelow32 = 0, withMomentum = 0;
        Map<Object, Integer> opt = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Config c = space.sampleUniform(rnd);
            assertEquals(c, space.validate(c));
            if (c.getDouble("lr") < 1e-3) {
                lrBelowGeoMean++;
            }
            if (c.getLong("batch") < 32) {
                batchBelow32++;
            }
            assertEquals(0, (c.getLong("units") - 16) % 16);
            opt.merge(c.get("opt"), 1, Integer::sum);
            boolean active = !c.getString("opt").equals("adam");
            assertEquals(active, c.has("momentum"));
            if (active) {
                withMomentum++;
            }
        }
        assertEquals(0.5, lrBelowGeoMean / (double) n, 0.02, "log-uniform: half the mass below the geometric mean");
        // log-uniform on [low - 0.5, high + 0.5], so each end point gets its full share when rounded
        assertEquals(Math.log(31.5 / 0.5) / Math.log(1024.5 / 0.5), batchBelow32 / (double) n, 0.02, "log-uniform integers");
        for (int count : opt.values()) {
            assertEquals(1.0 / 3, count / (double) n, 0.02);
        }
        assertEquals(2.0 / 3, withMomentum / (double) n, 0.02);
    }

    @Test
    void validateNormalisesNumbersAndRejectsStrayValues() {
        SearchSpace space = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false), new IntParameter("n", 1, 3),
                new OrdinalParameter("o", List.of(0.5, 1.0))));
        Config c = space.validate(Config.of(Map.of("x", 1L, "n", 2.0, "o", 1L)));
        assertEquals(1.0, c.get("x"));
        assertEquals(2L, c.get("n"));
        assertEquals(1.0, c.get("o"));
        assertEquals("config.n", assertThrows(InvalidSpaceException.class,
                () -> space.validate(Config.of(Map.of("x", 0.5, "n", 2.5, "o", 0.5)))).field());
        assertEquals("config.y", assertThrows(InvalidSpaceException.class,
                () -> space.validate(Config.of(Map.of("x", 0.5, "n", 2L, "o", 0.5, "y", 1.0)))).field());
        assertEquals("config.o", assertThrows(InvalidSpaceException.class,
                () -> space.validate(Config.of(Map.of("x", 0.5, "n", 2L)))).field());
        assertFalse(space.get("x").contains(1.5));
    }
}
