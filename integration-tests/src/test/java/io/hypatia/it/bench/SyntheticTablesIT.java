package io.hypatia.it.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.engine.PluginInfo;
import io.hypatia.it.ServiceFixture;
import io.hypatia.launcher.bench.TestPoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * (Not named Test*IT: surefire would pick that up as a unit test.) The committed table of test points (docs/bench/testpoints.csv), which optuna_bench.py checks
 * its functions against, must still describe the synthetic benchmarks as the service loads
 * them: regenerated from the bundle's services in Felix, it must match (values to 1e-12
 * relative, each objective of a multi-objective point's space-separated values too, everything
 * else exactly).
 */
public class SyntheticTablesIT {
    private static Path committed;
    private static ServiceFixture fixture;

    @BeforeClass
    public static void start() throws Exception {
        committed = Path.of(System.getProperty("hypatia.it.clients"), "..", "docs", "bench", "testpoints.csv").normalize();
        fixture = ServiceFixture.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        fixture.close();
    }

    /** The synthetic benchmarks, in registration order; TestPoints picks the functions of its table. */
    private static Map<String, Benchmark> syntheticBenchmarks() {
        Map<String, Benchmark> out = new LinkedHashMap<>();
        for (PluginInfo p : fixture.server().plugins().list()) {
            if (p.kind().equals("benchmark") && p.bundle().equals("hypatia-benchmark-synthetic")) {
                out.put(p.name(), fixture.server().plugins().benchmark(p.name(), "").orElseThrow().service());
            }
        }
        return out;
    }

    @Test
    public void theCommittedTableMatchesTheSyntheticBundle() throws Exception {
        assertTrue(committed + " is missing; write it with `hypatia bench testpoints --out docs/bench/testpoints.csv`",
                Files.isRegularFile(committed));
        List<String> expected = Files.readAllLines(committed);
        List<String> actual = TestPoints.generate(syntheticBenchmarks(), TestPoints.DEFAULT_SEEDS).lines().toList();
        assertEquals("rows; regenerate the table with `hypatia bench testpoints`", expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            String[] e = expected.get(i).split(",", -1);
            String[] a = actual.get(i).split(",", -1);
            assertEquals("line " + (i + 1), List.of(e).subList(0, 4), List.of(a).subList(0, 4));
            if (!e[4].isEmpty() && !e[4].equals("value")) {
                // one number, or the objective values f1 f2 ... of a multi-objective function
                String[] ev = e[4].split(" "), av = a[4].split(" ");
                assertEquals("objectives on line " + (i + 1), ev.length, av.length);
                for (int k = 0; k < ev.length; k++) {
                    double x = Double.parseDouble(ev[k]), y = Double.parseDouble(av[k]);
                    assertEquals("value on line " + (i + 1), x, y, 1e-12 * Math.max(1, Math.abs(x)));
                }
            } else {
                assertEquals("line " + (i + 1), e[4], a[4]);
            }
        }
    }

    @Test
    public void instanceParametersAreReadFromTheVariant() {
        Map<String, Benchmark> all = syntheticBenchmarks();
        String params = TestPoints.instanceParameters(all.get("branin").instance(3));
        assertTrue(params, params.startsWith("shift="));
        assertEquals(2, params.substring(6).split(" ").length);
        assertTrue(TestPoints.instanceParameters(all.get("mixed-int-cat").instance(3)).contains("offsets="));
    }

    @Test
    public void multiObjectiveRowsCarryTheReferencePointAndEveryObjective() {
        List<String> rows = TestPoints.generate(syntheticBenchmarks(), 1).lines().toList();
        assertTrue(rows.contains("zdt1,1,instance,reference=11.0 11.0,"));
        assertTrue(rows.contains("dtlz2-3obj,0,instance,reference=1.1 1.1 1.1,"));
        String point = rows.stream().filter(r -> r.startsWith("dtlz2-3obj,0,point,")).findFirst().orElseThrow();
        assertEquals(point, 3, point.substring(point.lastIndexOf(',') + 1).split(" ").length);
    }
}
