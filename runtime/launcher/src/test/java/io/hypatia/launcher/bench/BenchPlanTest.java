package io.hypatia.launcher.bench;

import io.hypatia.engine.TestPlugins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchPlanTest {

    @Test
    void optimizerSyntax() {
        List<OptimizerSpec> o = BenchPlan.parseOptimizers("random,random+median:min_completed=3,warmup_steps=2,tpe:seed=4");
        assertEquals(3, o.size());
        assertEquals("random", o.get(0).sampler().name());
        assertEquals("none", o.get(0).scheduler().name());
        assertEquals("median", o.get(1).scheduler().name());
        assertEquals(Map.of("min_completed", "3", "warmup_steps", "2"), o.get(1).scheduler().config());
        assertEquals("random+median:min_completed=3,warmup_steps=2", o.get(1).label());
        assertEquals(Map.of("seed", "4"), o.get(2).sampler().config());
        List<OptimizerSpec> bohb = BenchPlan.parseOptimizers("tpe:fidelity_rungs=auto,random_fraction=0.33+hyperband,random");
        assertEquals(2, bohb.size(), "a sampler's last setting may be followed by +scheduler");
        assertEquals(Map.of("fidelity_rungs", "auto", "random_fraction", "0.33"), bohb.get(0).sampler().config());
        assertEquals("hyperband", bohb.get(0).scheduler().name());
        assertThrows(BenchException.class, () -> OptimizerSpec.parse("random+"));
        assertThrows(BenchException.class, () -> OptimizerSpec.parse("random:oops"));
    }

    @Test
    void seedsAndCheckpoints() {
        assertEquals(List.of(1L, 2L, 3L), BenchPlan.parseSeeds("3"));
        assertEquals(List.of(5L, 6L, 7L), BenchPlan.parseSeeds("5..7"));
        assertEquals(List.of(0L, 9L), BenchPlan.parseSeeds("0,9"));
        assertThrows(BenchException.class, () -> BenchPlan.parseSeeds("x"));
        assertEquals(List.of(50, 100), BenchPlan.parseCheckpoints("100,50"));
    }

    @Test
    void aJsonPlanWithCommandLineOverrides(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plan.json");
        Files.writeString(file, """
                {"optimizers": ["random", "random+median:min_completed=3,warmup_steps=1"],
                 "benchmarks": ["branin", "fcnet-*"], "seeds": 4, "trials": 50, "max_time": 300}
                """);
        BenchPlan p = BenchPlan.from(new CliOptions(new String[] {"--config", file.toString(), "--trials", "70"}, 0,
                BenchPlan.OPTIONS, java.util.Set.of(), false));
        assertEquals(2, p.optimizers().size());
        assertEquals(List.of("branin", "fcnet-*"), p.benchmarks());
        assertEquals(4, p.seeds().size());
        assertEquals(70, p.trials());
        assertEquals(300, p.maxTime());
        Files.writeString(file, "{\"optimizers\": [\"random\"], \"benchmark\": \"branin\"}");
        BenchException e = assertThrows(BenchException.class, () -> BenchPlan.from(new CliOptions(
                new String[] {"--config", file.toString()}, 0, BenchPlan.OPTIONS, java.util.Set.of(), false)));
        assertTrue(e.getMessage().contains("unknown key 'benchmark'"), e.getMessage());
    }

    @Test
    void theWrittenPlanReplays(@TempDir Path dir) throws Exception {
        BenchPlan plan = BenchPlan.from(new CliOptions(new String[] {"--optimizers", "random,random+median:min_completed=3,warmup_steps=1",
                "--benchmarks", "branin,fcnet-*", "--seeds", "3..5", "--checkpoints", "10,20", "--workers", "4"}, 0,
                BenchPlan.OPTIONS, java.util.Set.of(), false));
        Path file = dir.resolve("plan.json");
        Files.writeString(file, plan.toJson());
        BenchPlan replayed = BenchPlan.from(new CliOptions(new String[] {"--config", file.toString()}, 0, BenchPlan.OPTIONS,
                java.util.Set.of(), false));
        assertEquals(plan.toJson(), replayed.toJson());
        assertEquals(plan.optimizers(), replayed.optimizers());
    }

    @Test
    void unknownPluginsAreNamedWithTheLoadedOnes() {
        TestPlugins plugins = new TestPlugins();
        BenchException e = assertThrows(BenchException.class,
                () -> BenchRunner.checkOptimizers(List.of(OptimizerSpec.parse("tpe")), plugins));
        assertTrue(e.getMessage().contains("no sampler named 'tpe'") && e.getMessage().contains("[random]"), e.getMessage());
        e = assertThrows(BenchException.class,
                () -> BenchRunner.checkOptimizers(List.of(OptimizerSpec.parse("random+asha")), plugins));
        assertTrue(e.getMessage().contains("loaded schedulers: [none]"), e.getMessage());
        assertEquals(List.of("fcnet-a", "fcnet-b", "branin"),
                BenchRunner.resolveBenchmarks(List.of("fcnet-*", "branin"), List.of("branin", "fcnet-a", "fcnet-b")));
        e = assertThrows(BenchException.class, () -> BenchRunner.resolveBenchmarks(List.of("nb201-*"), List.of("branin")));
        assertTrue(e.getMessage().contains("--benchmark-data"), e.getMessage());
    }
}
