package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hypatia.engine.store.PostgresStore;
import io.hypatia.engine.store.TestPostgres;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.AskedTrial;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Decision;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.Fidelity;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.ReportRequest;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.TrialState;
import io.hypatia.it.schedulers.StudyHelpers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.Assume;
import org.junit.Test;

/**
 * Issue 13: three `hypatia serve` processes on one PostgreSQL database, 32 concurrent clients
 * spread across them running one study with ASHA (pause and promote) and one with TPE, every
 * call with a request id. Mid-run one gateway is killed with SIGKILL; its clients retry on
 * another gateway. Checked from the trials stored: numbers dense and unique per study, every
 * acknowledged tell stored once with its value, no trial promoted twice to one budget, nothing
 * left RUNNING.
 *
 * <p>Needs a PostgreSQL server: HYPATIA_TEST_PG_URL, HYPATIA_TEST_PG_USER and
 * HYPATIA_TEST_PG_PASSWORD (`eval "$(.ci/postgres start DIR)"` starts one). Skipped without
 * it, except with CI=true, where it fails.
 */
public class SharedStoreIT {
    private static final int GATEWAYS = 3, CLIENTS = 32, ACKS_BEFORE_KILL = 60, ACKS_AFTER_KILL = 60;
    private static final double MAX_EPOCH = 9;

    private final ManagedChannel[] channels = new ManagedChannel[GATEWAYS];
    private final boolean[] dead = new boolean[GATEWAYS];
    private final Map<String, Double> acked = new ConcurrentHashMap<>();
    private final AtomicInteger ackCount = new AtomicInteger(), retries = new AtomicInteger(), failovers = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Test
    public void threeGatewaysShareStudiesAndSurviveTheLossOfOne() throws Exception {
        TestPostgres.Database database = TestPostgres.createDatabase(why -> Assume.assumeTrue(why, false));
        String url = database.url();
        PostgresStore.Credentials login = TestPostgres.credentials();

        Path work = Files.createTempDirectory("hypatia-shared");
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        for (String jar : List.of("hypatia-sampler-random", "hypatia-sampler-support", "hypatia-sampler-tpe",
                "hypatia-scheduler-support", "hypatia-scheduler-asha")) {
            Files.copy(ServiceFixture.bundlesDir().resolve(jar + ".jar"), deploy.resolve(jar + ".jar"));
        }
        Path credentials = work.resolve("pg-credentials");
        Files.writeString(credentials, "# the role the gateways connect as\nuser=" + login.user() + "\npassword=" + login.password() + "\n");
        List<ChildService> gateways = new ArrayList<>();
        List<Thread> clients = new ArrayList<>();
        try {
            for (int g = 0; g < GATEWAYS; g++) {
                gateways.add(ChildService.start(work.resolve("data-" + g), deploy, "--port", "0", "--store", url,
                        "--store-credentials", credentials.toString()));
            }
            for (int g = 0; g < GATEWAYS; g++) {
                channels[g] = ManagedChannelBuilder.forAddress("127.0.0.1", gateways.get(g).awaitServing()).usePlaintext().build();
                int gateway = g;
                StudyHelpers.awaitScheduler(() -> stub(gateway), "asha");
            }
            createStudies();
            for (int c = 0; c < CLIENTS; c++) {
                int id = c;
                Thread t = new Thread(() -> client(id), "client-" + c);
                t.start();
                clients.add(t);
            }
            awaitAcks(ACKS_BEFORE_KILL);
            int ackedBeforeKill = ackCount.get();
            synchronized (dead) {
                dead[0] = true; // clients of gateway 0 move on at their next failed call
            }
            gateways.get(0).kill();
            awaitAcks(ackedBeforeKill + ACKS_AFTER_KILL);
            stop.set(true);
            for (Thread t : clients) {
                t.join(300_000);
                assertTrue(t.getName() + " finished", !t.isAlive());
            }
            if (failure.get() != null) {
                throw new AssertionError("a client failed", failure.get());
            }
            check("asha", ackedBeforeKill);
            check("tpe", ackedBeforeKill);
        } finally {
            stop.set(true);
            for (ManagedChannel c : channels) {
                if (c != null) {
                    c.shutdownNow();
                }
            }
            for (ChildService g : gateways) {
                g.stop();
            }
            ServiceFixture.deleteTree(work);
            database.drop();
        }
    }

    private void createStudies() {
        SearchSpace space = SearchSpace.newBuilder()
                .addParams(Parameter.newBuilder().setName("x").setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1)))
                .addParams(Parameter.newBuilder().setName("y").setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1))).build();
        Objective loss = Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE).build();
        stub(1).createStudy(CreateStudyRequest.newBuilder().setName("asha").setSearchSpace(space).addObjectives(loss)
                .setSampler(PluginSelection.newBuilder().setName("random").putConfig("seed", "7"))
                .setScheduler(PluginSelection.newBuilder().setName("asha").putConfig("reduction_factor", "3"))
                .setFidelity(Fidelity.newBuilder().setName("epoch").setMin(1).setMax(MAX_EPOCH))
                .setLeaseSeconds(600).build());
        stub(2).createStudy(CreateStudyRequest.newBuilder().setName("tpe").setSearchSpace(space).addObjectives(loss)
                .setSampler(PluginSelection.newBuilder().setName("tpe").putConfig("seed", "7")).setLeaseSeconds(600).build());
    }

    private HypatiaServiceGrpc.HypatiaServiceBlockingStub stub(int gateway) {
        return HypatiaServiceGrpc.newBlockingStub(channels[gateway]).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** The gateway client {@code c} uses now: its own (c mod 3) while it lives, else the next living one. */
    private int gatewayOf(int c) {
        synchronized (dead) {
            for (int i = 0; i < GATEWAYS; i++) {
                int g = (c + i) % GATEWAYS;
                if (!dead[g]) {
                    return g;
                }
            }
        }
        throw new IllegalStateException("no gateway left");
    }

    /** Calls a gateway, retrying an unanswered call (same request) on whichever gateway the client uses next. */
    private <T> T call(int client, Function<HypatiaServiceGrpc.HypatiaServiceBlockingStub, T> rpc) {
        int before = gatewayOf(client);
        for (int attempt = 0; ; attempt++) {
            int g = gatewayOf(client);
            if (g != before) {
                failovers.incrementAndGet();
                before = g;
            }
            try {
                return rpc.apply(stub(g));
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED && code != Status.Code.CANCELLED
                        || attempt > 2000) {
                    throw e;
                }
                retries.incrementAndGet();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static double param(Trial t, String name) {
        return t.getConfigList().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow()
                .getValue().getFloatValue();
    }

    private static double curve(Trial t, double epoch) {
        double x = param(t, "x"), y = param(t, "y");
        return (x - 0.3) * (x - 0.3) + (y - 0.7) * (y - 0.7) + (0.5 + x) * Math.exp(-epoch / 5);
    }

    /** Alternates an ASHA trial (epochs with checkpoints, obeying PAUSE and STOP) and a TPE trial; each finished before stopping. */
    private void client(int c) {
        try {
            for (int n = 0; !stop.get(); n++) {
                String study = n % 2 == 0 ? "asha" : "tpe";
                String askId = "c" + c + "-ask" + n;
                AskedTrial a = call(c, s -> s.ask(AskRequest.newBuilder().setStudy(study).setWorker("c" + c)
                        .setRequestId(askId).build()).getTrials(0));
                Trial t = a.getTrial();
                long id = t.getId();
                boolean finished = true;
                if (study.equals("asha")) {
                    for (double epoch = (a.getResumed() ? a.getResumeStep() : 0) + 1; epoch <= a.getBudget(); epoch++) {
                        ReportRequest report = ReportRequest.newBuilder().setStudy(study).setTrialId(id).setAttempt(a.getAttempt())
                                .setStep(epoch).setValue(curve(t, epoch)).setCheckpoint("ckpt/" + id + "/" + epoch).build();
                        if (call(c, s -> s.report(report)).getDecision() != Decision.CONTINUE) {
                            finished = false;
                            break;
                        }
                    }
                }
                if (finished) {
                    double value = curve(t, study.equals("asha") ? a.getBudget() : MAX_EPOCH);
                    TellRequest tell = TellRequest.newBuilder().setStudy(study).setTrialId(id).setAttempt(a.getAttempt())
                            .setRequestId("c" + c + "-tell" + n).setComplete(TellRequest.Complete.newBuilder().addValues(value)).build();
                    call(c, s -> s.tell(tell));
                    acked.put(study + ":" + id, value);
                    ackCount.incrementAndGet();
                }
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private void awaitAcks(int target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(900);
        while (ackCount.get() < target) {
            if (failure.get() != null) {
                throw new AssertionError("a client failed", failure.get());
            }
            assertTrue("no progress: " + ackCount.get() + " of " + target + " tells acknowledged", System.nanoTime() < deadline);
            Thread.sleep(50);
        }
    }

    private void check(String study, int ackedBeforeKill) {
        List<Trial> trials = StudyHelpers.allTrials(stub(2).withDeadlineAfter(120, TimeUnit.SECONDS), study);
        Set<Long> ids = new HashSet<>();
        List<Integer> numbers = new ArrayList<>();
        Map<Long, Trial> byId = new HashMap<>();
        int running = 0, promotions = 0;
        for (Trial t : trials) {
            assertTrue("trial " + t.getId() + " listed twice", ids.add(t.getId()));
            byId.put(t.getId(), t);
            numbers.add(t.getNumber());
            if (t.getState() == TrialState.RUNNING) {
                running++;
            }
        }
        numbers.sort(null);
        for (int i = 0; i < numbers.size(); i++) {
            assertEquals(study + ": trial numbers have no gap or duplicate", i, (int) numbers.get(i));
        }
        int stored = 0;
        for (Map.Entry<String, Double> e : acked.entrySet()) {
            if (!e.getKey().startsWith(study + ":")) {
                continue;
            }
            Trial t = byId.get(Long.parseLong(e.getKey().substring(study.length() + 1)));
            assertTrue(study + ": acknowledged tell " + e.getKey() + " is stored", t != null);
            assertEquals(study + ": trial " + t.getId() + " state", TrialState.COMPLETE, t.getState());
            assertEquals(study + ": trial " + t.getId() + " value", e.getValue(), t.getValues(0), 0.0);
            stored++;
        }
        for (Trial t : trials) {
            Set<String> promotedTo = new HashSet<>();
            for (var d : t.getDecisionsList()) {
                if (d.getDecision().equals("PROMOTE")) {
                    String to = d.getReason().replaceAll(".*\\(to budget ([0-9.]+)\\)$", "$1");
                    assertTrue(study + ": trial " + t.getId() + " promoted twice to budget " + to, promotedTo.add(to));
                    promotions++;
                }
            }
        }
        System.out.printf("shared store, %s: %d trials, %d acknowledged tells all stored once (%d acknowledged before "
                        + "gateway 0 was killed), %d promotions, %d RUNNING at the end, %d retried calls, %d fail-overs%n",
                study, trials.size(), stored, ackedBeforeKill, promotions, running, retries.get(), failovers.get());
        assertEquals(study + ": trials left RUNNING with nobody holding them", 0, running);
    }
}
