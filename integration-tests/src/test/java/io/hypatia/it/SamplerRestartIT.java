package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.space.Config;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudyEngine.Outcome;
import io.hypatia.engine.StudySpec;
import io.hypatia.engine.TrialInfo;
import io.hypatia.launcher.HypatiaServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Every sampler bundle, loaded in the real framework, serves a study without falling back,
 * and survives a restart of the service mid-study: because samplers rebuild their state from
 * the trial history, a study interrupted by a restart gets exactly the suggestions of one
 * that ran straight through.
 */
public class SamplerRestartIT {
    private static final int TRIALS = 24;
    private static Path work;
    private static Path deploy;

    private record Case(String sampler, Map<String, String> config, String benchmark) {
    }

    private static final List<Case> CASES = List.of(
            new Case("random", Map.of(), "branin"),
            new Case("sobol", Map.of(), "hartmann6"),
            new Case("halton", Map.of(), "mixed-int-cat"),
            new Case("grid", Map.of("grid.x1", "-5,-1.25,2.5,6.25,10", "grid.x2", "0,3.75,7.5,11.25,15"), "branin"),
            new Case("tpe", Map.of("n_startup_trials", "8"), "mixed-int-cat"),
            new Case("gp", Map.of("n_startup_trials", "8"), "branin"),
            new Case("cmaes", Map.of(), "hartmann6"),
            new Case("nsga2", Map.of("population_size", "8"), "zdt1"));

    @BeforeClass
    public static void copyBundles() throws Exception {
        work = Files.createTempDirectory("hypatia-samplers");
        deploy = Files.createDirectories(work.resolve("deploy"));
        try (Stream<Path> jars = Files.list(ServiceFixture.bundlesDir())) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, deploy.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @AfterClass
    public static void clean() throws Exception {
        ServiceFixture.deleteTree(work);
    }

    @Test
    public void everySamplerGivesTheSameSuggestionsWithAndWithoutARestart() throws Exception {
        Path data = work.resolve("data");
        List<List<Config>> straight = new ArrayList<>();
        List<List<Config>> firstHalves = new ArrayList<>();
        try (HypatiaServer server = HypatiaServer.start(ServiceFixture.options(data, deploy, 0))) {
            for (Case c : CASES) {
                straight.add(run(server, c, "straight-" + c.sampler(), TRIALS));
                firstHalves.add(run(server, c, "restarted-" + c.sampler(), TRIALS / 2));
            }
        }
        try (HypatiaServer server = HypatiaServer.start(ServiceFixture.options(data, deploy, 0))) {
            for (int i = 0; i < CASES.size(); i++) {
                Case c = CASES.get(i);
                List<Config> restarted = new ArrayList<>(firstHalves.get(i));
                restarted.addAll(run(server, c, "restarted-" + c.sampler(), TRIALS - TRIALS / 2));
                assertEquals(c.sampler() + ": suggestions after the restart", straight.get(i), restarted);
            }
        }
    }

    /** Runs {@code trials} ask/tell cycles (creating the study if needed); returns the configurations asked. */
    private static List<Config> run(HypatiaServer server, Case c, String study, int trials) {
        StudyEngine engine = server.engine();
        Benchmark benchmark = server.plugins().benchmark(c.benchmark(), "").orElseThrow().service();
        if (engine.listStudies().stream().noneMatch(s -> s.spec().name().equals(study))) {
            Map<String, String> config = new java.util.HashMap<>(c.config());
            config.put("seed", "11");
            engine.createStudy(StudySpec.of(study, benchmark.space(), benchmark.objectives(),
                    new PluginRef(c.sampler(), "", config)));
        }
        List<Config> asked = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            TrialInfo t = engine.ask(study, 1, "w").get(0).info();
            String servedBy = t.trial().attributes().get("sampler");
            assertTrue(c.sampler() + " was served by " + servedBy, servedBy.startsWith("hypatia-sampler-" + c.sampler().replace("halton", "qmc").replace("sobol", "qmc")));
            asked.add(t.trial().config());
            engine.tell(study, t.trial().id(), Outcome.complete(benchmark.evaluate(t.trial().config(), 0, 0).values()), "");
        }
        assertEquals(c.sampler() + " fell back to random sampling", 0, engine.getStudy(study).pluginFallbacks());
        return asked;
    }
}
