package io.hypatia.sampler.grid.internal;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GridSamplerTest {
    static final SearchSpace SPACE = SearchSpace.of(List.of(
            new CategoricalParameter("opt", List.of("sgd", "adam")),
            new FloatParameter("lr", 1e-4, 1, true),
            new IntParameter("layers", 1, 5, 2, false, null),
            new OrdinalParameter("batch", List.of(16L, 32L)),
            new FloatParameter("momentum", 0, 0.99, false, new Condition("opt", List.of("sgd")))));
    static final Map<String, String> GRID = Map.of("grid.lr", "0.001, 0.01,0.1", "grid.momentum", "0,0.9");

    private static SamplerContext context(SearchSpace space, int trial, long seed, Map<String, String> config) {
        return new SamplerContext("s", space, List.of(new Objective("y", Direction.MINIMIZE)), List.of(), trial, seed, config);
    }

    private static List<Config> run(Map<String, String> config, long seed, int n) {
        List<Config> out = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            out.add(new GridSampler().suggest(context(SPACE, t, seed, config)));
        }
        return out;
    }

    @Test
    void coversEveryActiveCombinationOnceThenReportsExhaustion() {
        // sgd: 3 lr x 3 layers x 2 batch x 2 momentum = 36; adam: 3 x 3 x 2 = 18
        assertEquals(54, GridSampler.gridSize(context(SPACE, 0, 1, GRID)));
        List<Config> points = run(GRID, 1, 54);
        assertEquals(54, new HashSet<>(points).size());
        for (Config c : points) {
            assertEquals(c, SPACE.validate(c));
        }
        assertEquals(Config.of(Map.of("opt", "sgd", "lr", 0.001, "layers", 1L, "batch", 16L, "momentum", 0.0)), points.get(0));
        assertEquals(Config.of(Map.of("opt", "sgd", "lr", 0.001, "layers", 1L, "batch", 16L, "momentum", 0.9)), points.get(1));
        assertEquals(Config.of(Map.of("opt", "adam", "lr", 0.1, "layers", 5L, "batch", 32L)), points.get(53));
        assertEquals(36, points.stream().filter(c -> c.has("momentum")).count());
        GridExhaustedException e = assertThrows(GridExhaustedException.class,
                () -> new GridSampler().suggest(context(SPACE, 54, 1, GRID)));
        assertTrue(e.getMessage().contains("grid of 54 points is exhausted"), e.getMessage());
        assertEquals(54, e.gridSize());
    }

    @Test
    void shuffledOrderIsASeededPermutationOfTheSameGrid() {
        Map<String, String> shuffled = new java.util.HashMap<>(GRID);
        shuffled.put("shuffle", "true");
        List<Config> plain = run(GRID, 1, 54), a = run(shuffled, 1, 54), b = run(shuffled, 2, 54);
        assertEquals(Set.copyOf(plain), Set.copyOf(a));
        assertEquals(Set.copyOf(plain), Set.copyOf(b));
        assertEquals(54, Set.copyOf(a).size());
        assertNotEquals(plain, a);
        assertNotEquals(a, b);
        assertEquals(a, run(shuffled, 1, 54));
        for (long n : new long[]{1, 2, 3, 17, 64, 1000}) {
            ShuffledOrder order = new ShuffledOrder(n, 9);
            Set<Long> seen = new HashSet<>();
            for (long i = 0; i < n; i++) {
                seen.add(order.at(i));
            }
            assertEquals(n, seen.size());
            assertTrue(seen.stream().allMatch(x -> x >= 0 && x < n));
        }
    }

    @Test
    void intParametersEnumerateAllValuesUnlessGiven() {
        SearchSpace space = SearchSpace.of(List.of(new IntParameter("k", 1, 100, 1, true, null),
                new CategoricalParameter("c", List.of(1L, 2.5, "x"))));
        assertEquals(300, GridSampler.gridSize(context(space, 0, 1, Map.of())));
        Map<String, String> config = Map.of("grid.k", "1,10,100", "grid.c", "2.5,x");
        assertEquals(6, GridSampler.gridSize(context(space, 0, 1, config)));
        Config last = new GridSampler().suggest(context(space, 5, 1, config));
        assertEquals(100L, last.get("k"));
        assertEquals("x", last.get("c"));
        assertEquals(2.5, new GridSampler().suggest(context(space, 0, 1, config)).get("c"));
    }

    @Test
    void badConfigurationsNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GridSampler().suggest(context(SPACE, 0, 1, Map.of("grid.momentum", "0,0.9"))));
        assertTrue(e.getMessage().contains("float parameter 'lr'") && e.getMessage().contains("'grid.lr'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GridSampler().suggest(context(SPACE, 0, 1, Map.of("grid.lr", "0.1,2", "grid.momentum", "0"))));
        assertTrue(e.getMessage().contains("'grid.lr'") && e.getMessage().contains("outside"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GridSampler().suggest(context(SPACE, 0, 1, Map.of("grid.lr", "0.1,abc", "grid.momentum", "0"))));
        assertTrue(e.getMessage().contains("'grid.lr'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GridSampler().suggest(context(SPACE, 0, 1, Map.of("grid.lr", "0.1", "grid.momentum", "0", "grid.opt", "sgd,rmsprop"))));
        assertTrue(e.getMessage().contains("'grid.opt'") && e.getMessage().contains("rmsprop"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GridSampler().suggest(context(SPACE, 0, 1, Map.of("grid.lr", "0.1", "grid.momentum", "0", "grid.nope", "1"))));
        assertTrue(e.getMessage().contains("'grid.nope'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GridSampler().suggest(context(SPACE, 0, 1, Map.of("grid.lr", "0.1", "grid.momentum", "0", "shuffle", "maybe"))));
        assertTrue(e.getMessage().contains("'shuffle'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GridSampler().suggest(context(SPACE, 0, 1, Map.of("grid.lr", "0.1,0.1", "grid.momentum", "0"))));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }
}
