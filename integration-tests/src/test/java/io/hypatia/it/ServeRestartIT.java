package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.AskedTrial;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.GetBestTrialsRequest;
import io.hypatia.grpc.v1.GetBestTrialsResponse;
import io.hypatia.grpc.v1.GetStudyRequest;
import io.hypatia.grpc.v1.GetStudyResponse;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ListTrialsRequest;
import io.hypatia.grpc.v1.ListTrialsResponse;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.TrialState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * `serve` as operators start it, through the installation's bin/hypatia with its class-data
 * archive and caches (issue 13, restart to first answer):
 * <ul>
 * <li>a restarted service answers its very first calls, sent as soon as its port opens and
 *     while its plugins may still be starting, exactly as before the restart: the study, its
 *     best trial and its trials; its first Ask continues the trial numbers with the study's own
 *     sampler, not a fallback;</li>
 * <li>several `serve` processes started at once beside a class-data archive left by an earlier
 *     one (and a dump cut short, as a kill -9 leaves it) all serve: the archive is adopted once,
 *     the cut-short one is thrown away, never mapped.</li>
 * </ul>
 * Nothing here depends on timing: each step waits for the service's own lines or answers.
 */
public class ServeRestartIT {
    private static final int STUDIES = 12;
    private static final int TRIALS = 15;
    private static Path work;
    private static Path deploy;
    private static Path home;

    @BeforeClass
    public static void folders() throws Exception {
        home = Path.of(System.getProperty("hypatia.it.home"));
        assertTrue("no installation at " + home + ": build the launcher module (package) first",
                Files.isExecutable(home.resolve("bin").resolve("hypatia")));
        work = Files.createTempDirectory("hypatia-serve-restart");
        deploy = ServiceFixture.deployWithRandomSampler(work);
    }

    @AfterClass
    public static void clean() throws Exception {
        ServiceFixture.deleteTree(work);
    }

    /** What a client sees of one study: compared before and after a restart. */
    private record Seen(GetStudyResponse study, GetBestTrialsResponse best, ListTrialsResponse trials) {
        static Seen of(HypatiaServiceGrpc.HypatiaServiceBlockingStub stub, String name) {
            return new Seen(stub.getStudy(GetStudyRequest.newBuilder().setStudy(name).build()),
                    stub.getBestTrials(GetBestTrialsRequest.newBuilder().setStudy(name).build()),
                    stub.listTrials(ListTrialsRequest.newBuilder().setStudy(name).build()));
        }
    }

    @Test
    public void aRestartedServiceAnswersItsFirstCallsAsBeforeAndConcurrentStartsShareOneClassDataArchive() throws Exception {
        Path cds = Files.createDirectories(work.resolve("cds"));
        Map<String, String> env = Map.of("HYPATIA_CDS_DIR", cds.toString());
        Path data = work.resolve("data");

        // A first service stores studies: each with completed trials, one also a pruned, a failed and a leased one.
        List<Seen> before = new ArrayList<>();
        ChildService first = ChildService.startInstalled(home, env, data, deploy, "--port", "0");
        try (Client c = new Client(first.awaitServing())) {
            for (int s = 0; s < STUDIES; s++) {
                String name = "study-" + s;
                c.stub.createStudy(CreateStudyRequest.newBuilder().setName(name)
                        .setSearchSpace(SearchSpace.newBuilder()
                                .addParams(Parameter.newBuilder().setName("x").setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1))))
                        .addObjectives(Objective.newBuilder().setName("y").setDirection(Direction.MINIMIZE))
                        .setSampler(PluginSelection.newBuilder().setName("random")).build());
                for (int i = 0; i < TRIALS; i++) {
                    AskedTrial a = c.ask(name);
                    double x = TrialValues.number(a.getTrial(), "x");
                    c.stub.tell(TellRequest.newBuilder().setStudy(name).setTrialId(a.getTrial().getId())
                            .setComplete(TellRequest.Complete.newBuilder().addValues((x - 0.3) * (x - 0.3) + s)).build());
                }
            }
            c.stub.tell(TellRequest.newBuilder().setStudy("study-0").setTrialId(c.ask("study-0").getTrial().getId())
                    .setPruned(TellRequest.Pruned.newBuilder()).build());
            c.stub.tell(TellRequest.newBuilder().setStudy("study-0").setTrialId(c.ask("study-0").getTrial().getId())
                    .setFailed(TellRequest.Failed.newBuilder().setReason("out of memory")).build());
            c.ask("study-0"); // left RUNNING: its lease is still watched after the restart
            for (int s = 0; s < STUDIES; s++) {
                before.add(Seen.of(c.stub, "study-" + s));
            }
        } finally {
            stop(first);
        }
        // The archive it wrote as it stopped (serve-KEY.jsa.PID), kept aside to plant again later.
        Path written = writtenArchive(cds);
        Path saved = Files.copy(written, work.resolve("saved.jsa"));
        Path adopted = cds.resolve(written.getFileName().toString().replaceAll("\\.[0-9]+$", ""));

        // Restarted: the first calls go out the moment the port opens.
        ChildService second = ChildService.startInstalled(home, env, data, deploy, "--port", "0");
        try (Client c = new Client(second.awaitAnswering())) {
            for (int s = STUDIES - 1; s >= 0; s--) {
                Seen after = Seen.of(c.stub, "study-" + s);
                assertEquals("study-" + s, before.get(s).study(), after.study());
                assertEquals("study-" + s, before.get(s).best(), after.best());
                assertEquals("study-" + s, before.get(s).trials(), after.trials());
            }
            assertEquals(TRIALS, before.get(0).study().getStudy().getTrialCounts().getComplete());
            assertEquals(1, before.get(0).study().getStudy().getTrialCounts().getRunning());
            AskedTrial next = c.ask("study-0"); // waits for the sampler if the plugins are still starting
            assertEquals("numbers go on after the stored trials", TRIALS + 3, next.getTrial().getNumber());
            assertEquals(TrialState.RUNNING, next.getTrial().getState());
            String sampler = next.getTrial().getAttributesOrDefault("sampler", "");
            assertNotEquals("not a fallback", "fallback-random", sampler);
            assertTrue("the study's own sampler: " + sampler, sampler.startsWith("hypatia-sampler-random@"));
            AskedTrial other = c.ask("study-" + (STUDIES - 1));
            assertEquals(TRIALS, other.getTrial().getNumber());
            second.awaitServing();
        } finally {
            stop(second);
        }
        assertTrue("the restart adopted the archive its predecessor wrote: " + List.of(cds.toFile().list()), Files.isRegularFile(adopted));
        assertFalse(Files.exists(written));

        // Left over again, with a dump cut short beside it (a kill -9 while its JVM wrote it), both
        // under process ids no process can have (above the kernel's limit, 2^22): the cut-short one
        // comes first, so it is checked and thrown away. Then three services start at once.
        Files.delete(adopted);
        Path cutShort = cds.resolve(adopted.getFileName() + ".4194304");
        Path leftover = cds.resolve(adopted.getFileName() + ".4194305");
        Files.copy(saved, leftover);
        try (var in = Files.newInputStream(saved)) {
            Files.write(cutShort, in.readNBytes((int) (Files.size(saved) / 3)));
        }
        List<ChildService> together = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                together.add(ChildService.startInstalled(home, env, i == 0 ? data : work.resolve("data-" + i), deploy, "--port", "0"));
            }
            for (ChildService child : together) {
                int port = child.awaitServing();
                assertTrue(child.process.isAlive());
                if (child == together.get(0)) {
                    try (Client c = new Client(port)) {
                        assertEquals(before.get(1).study(), Seen.of(c.stub, "study-1").study());
                    }
                }
            }
        } finally {
            for (ChildService child : together) {
                stop(child);
            }
        }
        assertFalse("the cut-short dump was thrown away", Files.exists(cutShort));
        assertFalse("the leftover was adopted", Files.exists(leftover));
        assertTrue("one of them adopted the leftover archive", Files.isRegularFile(adopted));
        assertEquals("the whole archive, not the cut-short one", Files.size(saved), Files.size(adopted));
    }

    /** The class-data archive the first `serve` wrote when it stopped ({@code serve-KEY.jsa.PID}). */
    private static Path writtenArchive(Path cds) throws Exception {
        try (Stream<Path> files = Files.list(cds)) {
            List<Path> written = files.filter(p -> p.getFileName().toString().matches("serve-[0-9]+\\.jsa\\.[0-9]+")).toList();
            assertEquals("one archive written at exit: " + written, 1, written.size());
            return written.get(0);
        }
    }

    /** SIGTERM, then waits for the exit: the JVM writes its class-data archive as it exits, which a loaded machine makes slow. */
    private static void stop(ChildService child) throws Exception {
        child.process.destroy();
        if (!child.process.waitFor(10, TimeUnit.MINUTES)) {
            child.kill();
            throw new AssertionError("serve did not stop within 10 minutes of SIGTERM");
        }
    }

    private static final class Client implements AutoCloseable {
        final ManagedChannel channel;
        final HypatiaServiceGrpc.HypatiaServiceBlockingStub stub;

        Client(int port) {
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            // Wait-for-ready: the restarted service's first calls are sent before it can answer them.
            stub = HypatiaServiceGrpc.newBlockingStub(channel).withWaitForReady().withDeadlineAfter(10, TimeUnit.MINUTES);
        }

        /** One trial; retried while the service answers UNAVAILABLE (its plugins still starting), as the clients do. */
        AskedTrial ask(String study) {
            AskRequest request = AskRequest.newBuilder().setStudy(study).setCount(1).setWorker("w")
                    .setRequestId("ask-" + java.util.UUID.randomUUID()).build();
            while (true) {
                try {
                    return stub.ask(request).getTrials(0);
                } catch (io.grpc.StatusRuntimeException e) {
                    if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE) {
                        throw e;
                    }
                }
            }
        }

        @Override
        public void close() {
            channel.shutdownNow();
        }
    }
}
