package io.hypatia.sampler.qmc.internal;

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
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QmcSamplersTest {
    static final SearchSpace SPACE = SearchSpace.of(List.of(
            new CategoricalParameter("opt", List.of("sgd", "adam", "rmsprop", "lamb")),
            new FloatParameter("lr", 1e-5, 1, true),
            new IntParameter("layers", 1, 8),
            new IntParameter("units", 8, 512, 1, true, null),
            new OrdinalParameter("batch", List.of(16L, 32L, 64L, 128L)),
            new FloatParameter("momentum", 0, 0.99, false, new Condition("opt", List.of("sgd")))));

    private static Config suggest(Sampler sampler, long seed, int trial, Map<String, String> config) {
        return sampler.suggest(new SamplerContext("s", SPACE, List.of(new Objective("y", Direction.MINIMIZE)),
                List.of(), trial, seed, config));
    }

    @Test
    void everyParameterKindIsValidAndChoicesAreExactlyBalanced() {
        for (Sampler sampler : List.of(new SobolSampler(), new HaltonSampler())) {
            int n = sampler instanceof SobolSampler ? 64 : 64;
            Map<Object, Integer> opt = new HashMap<>(), layers = new HashMap<>();
            int momentum = 0;
            for (int t = 0; t < n; t++) {
                Config c = suggest(sampler, 3, t, Map.of());
                assertEquals(c, SPACE.validate(c));
                opt.merge(c.get("opt"), 1, Integer::sum);
                layers.merge(c.get("layers"), 1, Integer::sum);
                momentum += c.has("momentum") ? 1 : 0;
            }
            assertEquals(4, opt.size());
            assertEquals(8, layers.size());
            if (sampler instanceof SobolSampler) {
                // 64 = 2^6 points stratify every 1-D interval of length 1/64, so quarters and eighths are exact
                opt.values().forEach(k -> assertEquals(16, k));
                layers.values().forEach(k -> assertEquals(8, k));
            } else {
                opt.values().forEach(k -> assertTrue(k >= 14 && k <= 18, "halton choice counts " + opt));
            }
            assertEquals(opt.get("sgd"), momentum, "momentum is active exactly when opt=sgd");
        }
    }

    @Test
    void suggestionsAreReproducibleAndDependOnSeedAndTrialNumber() {
        for (Sampler sampler : List.of(new SobolSampler(), new HaltonSampler())) {
            Sampler fresh = sampler instanceof SobolSampler ? new SobolSampler() : new HaltonSampler();
            for (int t = 0; t < 10; t++) {
                assertEquals(suggest(sampler, 42, t, Map.of()), suggest(fresh, 42, t, Map.of()));
                assertNotEquals(suggest(sampler, 42, t, Map.of()), suggest(sampler, 43, t, Map.of()));
                assertNotEquals(suggest(sampler, 42, t, Map.of()), suggest(sampler, 42, t + 1, Map.of()));
            }
            assertEquals(suggest(sampler, 1, 5, Map.of()), suggest(sampler, 1, 2, Map.of("skip", "3")));
            assertEquals(suggest(sampler, 1, 5, Map.of("scramble", "false")), suggest(sampler, 2, 5, Map.of("scramble", "false")));
        }
    }

    @Test
    void badConfigNamesTheKey() {
        for (Sampler sampler : List.of(new SobolSampler(), new HaltonSampler())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> suggest(sampler, 1, 0, Map.of("scramble", "yes")));
            assertTrue(e.getMessage().contains("'scramble'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> suggest(sampler, 1, 0, Map.of("skip", "-1")));
            assertTrue(e.getMessage().contains("'skip'"), e.getMessage());
        }
    }

    @Test
    void spacesBeyondTheDirectionTableStillWork() {
        java.util.ArrayList<FloatParameter> many = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            many.add(new FloatParameter("x" + i, 0, 1, false));
        }
        SearchSpace big = SearchSpace.of(many);
        Config c = new SobolSampler().suggest(new SamplerContext("s", big, List.of(new Objective("y", Direction.MINIMIZE)),
                List.of(), 3, 1, Map.of()));
        assertEquals(c, big.validate(c));
        Config h = new HaltonSampler().suggest(new SamplerContext("s", big, List.of(new Objective("y", Direction.MINIMIZE)),
                List.of(), 3, 1, Map.of()));
        assertEquals(h, big.validate(h));
    }
}
