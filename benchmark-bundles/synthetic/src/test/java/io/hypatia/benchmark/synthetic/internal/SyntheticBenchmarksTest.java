package io.hypatia.benchmark.synthetic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.PluginProperties;
import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.benchmark.Evaluation;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.InvalidSpaceException;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The evaluation contract every function shares (registration in Felix is checked by the integration tests). */
class SyntheticBenchmarksTest {

    @Test
    void everyFunctionIsMinimisedDeterministicAtUnitCostWithAKnownOptimum() {
        for (SyntheticBenchmark b : SyntheticBenchmarks.singleObjective()) {
            assertEquals(List.of(new Objective("value", Direction.MINIMIZE)), b.objectives());
            assertTrue(b.optimalValue().isPresent());
            assertTrue(b.fidelity().isEmpty());
            Config c = b.space().sampleUniform(new SplittableRandom(7));
            Evaluation e = b.evaluate(c, 0, 0);
            assertEquals(1.0, e.cost());
            assertEquals(1, e.values().size());
            assertEquals(e, b.evaluate(c, 100, 99), "budget and seed do not matter");
        }
    }

    @Test
    void registersEveryFunctionOnceUnderItsNameWithADescription() {
        List<String> names = SyntheticBenchmarks.all().stream().map(Benchmark::name).toList();
        assertEquals(List.of("branin", "hartmann3", "hartmann6", "rosenbrock-10", "rosenbrock-20", "ackley-10", "levy-10",
                "styblinski-tang-10", "mixed-int-cat", "zdt1", "zdt2", "zdt3", "dtlz2-3obj",
                "mf-branin-curves", "mf-hartmann6-curves"), names);
        for (OfferedBenchmark b : SyntheticBenchmarks.all()) {
            assertFalse(b.description().isBlank(), b.name());
            assertFalse(b.serviceProperties().containsKey(PluginProperties.NAME), b.name());
            SearchSpace.of(b.space().parameters()); // a valid space
        }
    }

    @Test
    void rejectsConfigurationsOutsideTheDomainNamingTheField() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("x1", 11.0);
        values.put("x2", 1.0);
        InvalidSpaceException e = assertThrows(InvalidSpaceException.class,
                () -> TextbookFunctions.branin().evaluate(Config.of(values), 0, 0));
        assertEquals("config.x1", e.field());

        Map<String, Object> mixed = new LinkedHashMap<>(new MixedIntCatFunction().argmin().values());
        mixed.put("n", 36L); // off the step-5 grid
        e = assertThrows(InvalidSpaceException.class, () -> new MixedIntCatFunction().evaluate(Config.of(mixed), 0, 0));
        assertEquals("config.n", e.field());
    }
}
