package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.space.Config;
import io.hypatia.engine.PluginInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Plugin bundles in the real framework: the benchmark bundles register their services (the
 * tabular ones from the shared data folder), and a jar removed from the deploy folder is
 * uninstalled while the service runs.
 */
public class PluginLifecycleIT {
    private static ServiceFixture fixture;

    @BeforeClass
    public static void start() throws Exception {
        fixture = ServiceFixture.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        fixture.close();
    }

    private static Set<String> names(String kind) {
        return fixture.server().plugins().list().stream().filter(p -> p.kind().equals(kind)).map(PluginInfo::name)
                .collect(Collectors.toSet());
    }

    @Test
    public void syntheticBenchmarksAreRegisteredAndEvaluateThroughTheirService() {
        assertTrue(names("benchmark").containsAll(Set.of("branin", "hartmann3", "hartmann6", "rosenbrock-10", "rosenbrock-20",
                "ackley-10", "levy-10", "styblinski-tang-10", "mixed-int-cat")));
        Benchmark branin = fixture.server().plugins().benchmark("branin", "").orElseThrow().service();
        double value = branin.evaluate(Config.of(Map.of("x1", Math.PI, "x2", 2.275)), 0, 0).value();
        assertEquals(0.397887, value, 1e-6);
    }

    @Test
    public void aStudyCanBeCreatedStraightFromABenchmark() {
        io.hypatia.grpc.v1.Study study = fixture.stub().createStudy(io.hypatia.grpc.v1.CreateStudyRequest.newBuilder()
                .setName("on-hartmann6").setBenchmark("hartmann6").build()).getStudy();
        assertEquals(6, study.getSearchSpace().getParamsCount());
        assertEquals("value", study.getObjectives(0).getName());
        io.grpc.StatusRuntimeException e = org.junit.Assert.assertThrows(io.grpc.StatusRuntimeException.class,
                () -> fixture.stub().createStudy(io.hypatia.grpc.v1.CreateStudyRequest.newBuilder()
                        .setName("on-nothing").setBenchmark("no-such-benchmark").build()));
        assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription(), e.getStatus().getDescription().startsWith("benchmark: no benchmark named"));
    }

    @Test
    public void tabularBenchmarksAreRegisteredFromTheDataFolder() {
        assumeTrue("benchmark data folder " + ServiceFixture.benchmarkData() + " is absent; tabular registration not checked",
                Files.isDirectory(ServiceFixture.benchmarkData().resolve("tabular")));
        Set<String> tabular = names("benchmark").stream()
                .filter(n -> n.startsWith("fcnet-") || n.startsWith("hpobench-mlp-") || n.startsWith("nb201-"))
                .collect(Collectors.toSet());
        assertEquals(15, tabular.size());
        Benchmark nb = fixture.server().plugins().benchmark("nb201-cifar10", "").orElseThrow().service();
        assertEquals(6, nb.space().size());
        assertTrue(nb.optimalValue().isPresent());
    }

    @Test
    public void yahpoSurrogatesEvaluateInsideTheFramework() {
        assumeTrue("benchmark data folder " + ServiceFixture.benchmarkData() + " is absent; YAHPO not checked",
                Files.isDirectory(ServiceFixture.benchmarkData().resolve("yahpo/lcbench")));
        assertEquals(34, names("benchmark").stream().filter(n -> n.matches("yahpo-lcbench-\\d+")).count());
        Benchmark lcbench = fixture.server().plugins().benchmark("yahpo-lcbench-3945", "").orElseThrow().service();
        assertEquals(52.0, lcbench.fidelity().orElseThrow().max(), 0.0);
        // The ONNX Runtime native library loads from inside the bundle; a sampled config gets a plausible accuracy.
        Config config = lcbench.space().sampleUniform(new java.util.SplittableRandom(1));
        var full = lcbench.evaluate(config, 52, 0);
        assertTrue(full.value() > 0 && full.value() <= 100);
        assertTrue(full.cost() > lcbench.evaluate(config, 2, 0).cost());
    }

    @Test
    public void aJarRemovedFromTheDeployFolderIsUninstalled() throws Exception {
        assertTrue(names("scheduler").contains("median"));
        Path jar = fixture.deployDir().resolve("hypatia-scheduler-median.jar");
        Files.move(jar, fixture.deployDir().resolve("median.jar.removed"));
        waitFor(() -> !names("scheduler").contains("median"));
        assertFalse(fixture.server().plugins().scheduler("median", "").isPresent());
        Files.move(fixture.deployDir().resolve("median.jar.removed"), jar);
        waitFor(() -> names("scheduler").contains("median"));
        List<PluginInfo> median = fixture.server().plugins().list().stream().filter(p -> p.name().equals("median")).toList();
        assertEquals("ACTIVE", median.get(0).state());
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            assertTrue("timed out", System.currentTimeMillis() < deadline);
            Thread.sleep(50);
        }
    }
}
