package io.hypatia.sampler.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Condition;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.SearchSpace;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UnitCubeTest {
    static final SearchSpace SPACE = SearchSpace.of(List.of(
            new CategoricalParameter("opt", List.of("sgd", "adam", 3L)),
            new FloatParameter("lr", 1e-5, 1, true),
            new IntParameter("layers", 1, 9, 2, false, null),
            new IntParameter("units", 8, 512, 1, true, null),
            new OrdinalParameter("batch", List.of(16L, 32L, 64L)),
            new FloatParameter("momentum", 0, 0.99, false, new Condition("opt", List.of("sgd")))));

    @Test
    void roundTripsEveryParameterKindAndMarksInactiveAsNaN() {
        UnitCube cube = new UnitCube(SPACE);
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 300; i++) {
            Config c = SPACE.sampleUniform(r);
            double[] u = cube.encode(c);
            assertEquals(6, u.length);
            assertEquals(!c.has("momentum"), Double.isNaN(u[5]));
            Config back = cube.decode(u);
            assertEquals(SPACE.validate(back), back);
            for (String name : List.of("opt", "layers", "units", "batch")) {
                assertEquals(c.get(name), back.get(name), name);
            }
            assertEquals(c.getDouble("lr"), back.getDouble("lr"), 1e-12 * c.getDouble("lr"));
            if (c.has("momentum")) {
                assertEquals(c.getDouble("momentum"), back.getDouble("momentum"), 1e-12);
            }
        }
    }

    @Test
    void decodeClampsAndFillsMissingActiveCoordinates() {
        UnitCube cube = new UnitCube(SPACE);
        double[] u = {0.1, -3, 7, 0.5, 0.5, Double.NaN};
        assertThrows(IllegalArgumentException.class, () -> cube.decode(u));
        Config c = cube.decode(u, new SplittableRandom(1));
        assertEquals("sgd", c.get("opt"));
        assertEquals(1e-5, c.getDouble("lr"), 1e-15);
        assertEquals(9L, c.get("layers"));
        assertTrue(c.has("momentum"));
        u[0] = 0.5;
        assertFalse(cube.decode(u).has("momentum"), "inactive coordinates are ignored");
    }

    @Test
    void oneHotEncoding() {
        UnitCube cube = new UnitCube(SPACE);
        assertEquals(3 + 5, cube.oneHotDimension());
        assertEquals(0, cube.oneHotOffset(0));
        assertEquals(3, cube.oneHotWidth(0));
        assertEquals(3, cube.oneHotOffset(1));
        Config c = SPACE.validate(Config.of(java.util.Map.of("opt", 3L, "lr", 0.01, "layers", 5L, "units", 64L, "batch", 32L)));
        double[] x = cube.encodeOneHot(c);
        assertArrayEquals(new double[]{0, 0, 1}, java.util.Arrays.copyOfRange(x, 0, 3));
        assertTrue(Double.isNaN(x[7]));
        Config back = cube.decodeOneHot(x, null);
        assertEquals(c.values().keySet(), back.values().keySet());
        assertEquals(3L, back.get("opt"));
        assertEquals(0.01, back.getDouble("lr"), 1e-12);
        assertEquals(32L, back.get("batch"));
        x[0] = 0.9;
        x[2] = 0.2;
        x[7] = 0.5;
        Config sgd = cube.decodeOneHot(x, null);
        assertEquals("sgd", sgd.get("opt"));
        assertEquals(0.99 * 0.5, sgd.getDouble("momentum"), 1e-12);
    }
}
