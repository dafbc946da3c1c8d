package io.hypatia.it.grpc;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.AskedTrial;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.DeleteStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.EnqueueTrialRequest;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.GetBestTrialsRequest;
import io.hypatia.grpc.v1.GetStudyRequest;
import io.hypatia.grpc.v1.GetTrialRequest;
import io.hypatia.grpc.v1.HeartbeatRequest;
import io.hypatia.grpc.v1.HeartbeatResponse;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ListPluginsRequest;
import io.hypatia.grpc.v1.ListStudiesRequest;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.ParameterValue;
import io.hypatia.grpc.v1.PluginInfo;
import io.hypatia.grpc.v1.ReportRequest;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.Study;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.TrialState;
import io.hypatia.grpc.v1.Value;
import io.hypatia.client.HypatiaClient;
import io.hypatia.client.StudyOptions;
import io.hypatia.client.TrialRecord;
import io.hypatia.it.ServiceFixture;
import io.hypatia.it.TrialValues;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** Trainers talking to the real service over gRPC: concurrent ask/tell, best trials, health, plugins. */
public class GrpcEndToEndIT {
    private static final int CYCLES = 100;
    private static final int CLIENTS = 5;

    private static ServiceFixture fixture;

    @BeforeClass
    public static void startService() throws Exception {
        fixture = ServiceFixture.start();
        awaitPlugin("sampler", "random");
    }

    @AfterClass
    public static void stopService() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** A stub per call: the fixture's deadline runs from the stub's creation. */
    private static HypatiaServiceGrpc.HypatiaServiceBlockingStub stub() {
        return fixture.stub();
    }

    @Test
    public void concurrentClientsMinimiseBranin() throws Exception {
        // Written with the Java client (clients/java): what a JVM trainer would write.
        Map<Long, Double> told = new ConcurrentHashMap<>();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger remaining = new AtomicInteger(CYCLES);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try (HypatiaClient client = HypatiaClient.connect("127.0.0.1:" + fixture.port())) {
            io.hypatia.client.Study study = client.createStudy("e2e-branin",
                    new io.hypatia.client.SearchSpace().floatParam("x1", -5, 10).floatParam("x2", 0, 15),
                    StudyOptions.minimize("branin").sampler("random", Map.of("seed", 42)));
            for (int c = 0; c < CLIENTS; c++) {
                clients.submit(() -> {
                    while (remaining.getAndDecrement() > 0) {
                        try {
                            io.hypatia.client.Trial trial = study.ask();
                            double y = branin(trial.getDouble("x1"), trial.getDouble("x2"));
                            trial.tell(y);
                            told.put(trial.id(), y);
                        } catch (Throwable t) {
                            failures.add(t);
                        }
                    }
                });
            }
            clients.shutdown();
            assertTrue("clients finished in time", clients.awaitTermination(120, TimeUnit.SECONDS));
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError(failures.size() + " RPC(s) failed; first: " + failures.peek());
                failures.forEach(e::addSuppressed);
                throw e;
            }
            assertEquals(CYCLES, told.size());

            List<TrialRecord> complete = study.trials();
            assertEquals(CYCLES, complete.size());
            for (TrialRecord t : complete) {
                assertEquals("COMPLETE", t.state());
                assertEquals("stored value of trial " + t.id(), told.get(t.id()), t.values().get(0), 0.0);
            }
            Study info = stub().getStudy(GetStudyRequest.newBuilder().setStudy(study.name()).build()).getStudy();
            assertEquals(CYCLES, info.getTrialCounts().getComplete());
            assertEquals(0, info.getTrialCounts().getRunning());

            long argmin = told.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            List<TrialRecord> best = study.bestTrials();
            assertEquals(1, best.size());
            assertEquals(argmin, best.get(0).id());
            assertEquals(told.get(argmin), best.get(0).values().get(0), 0.0);
        }
    }

    @Test
    public void multiObjectiveBestTrialsAreTheParetoFront() {
        String study = "e2e-pareto";
        // ZDT1-like: minimise f1 and f2; f2 is told negated under MAXIMIZE to exercise both directions.
        stub().createStudy(CreateStudyRequest.newBuilder().setName(study)
                .setSearchSpace(SearchSpace.newBuilder().addParams(floatParam("a", 0, 1)).addParams(floatParam("b", 0, 1)))
                .addObjectives(Objective.newBuilder().setName("f1").setDirection(Direction.MINIMIZE))
                .addObjectives(Objective.newBuilder().setName("neg_f2").setDirection(Direction.MAXIMIZE))
                .build());
        Map<Long, double[]> told = new ConcurrentHashMap<>();
        for (int batch = 0; batch < 6; batch++) {
            List<AskedTrial> asked = stub().ask(AskRequest.newBuilder().setStudy(study).setCount(8).setWorker("batch").build())
                    .getTrialsList();
            assertEquals(8, asked.size());
            for (AskedTrial a : asked) {
                Trial t = a.getTrial();
                double f1 = TrialValues.number(t, "a");
                double g = 1 + 9 * TrialValues.number(t, "b");
                double f2 = g * (1 - Math.sqrt(f1 / g));
                stub().tell(TellRequest.newBuilder().setStudy(study).setTrialId(t.getId())
                        .setComplete(TellRequest.Complete.newBuilder().addValues(f1).addValues(-f2)).build());
                told.put(t.getId(), new double[] {f1, f2});
            }
        }

        // Non-dominated set, computed here in minimisation terms.
        Set<Long> front = new HashSet<>();
        for (var candidate : told.entrySet()) {
            boolean dominated = told.values().stream().anyMatch(o -> o != candidate.getValue()
                    && o[0] <= candidate.getValue()[0] && o[1] <= candidate.getValue()[1]
                    && (o[0] < candidate.getValue()[0] || o[1] < candidate.getValue()[1]));
            if (!dominated) {
                front.add(candidate.getKey());
            }
        }
        Set<Long> best = stub().getBestTrials(GetBestTrialsRequest.newBuilder().setStudy(study).build()).getTrialsList()
                .stream().map(Trial::getId).collect(Collectors.toSet());
        assertFalse(front.isEmpty());
        assertEquals(front, best);
    }

    /** Every RPC once, along a trial's life: enqueue, ask, heartbeat, report, tell, get, delete. */
    @Test
    public void trialLifecycleThroughEveryRpc() {
        String study = "e2e-lifecycle";
        Study created = stub().createStudy(CreateStudyRequest.newBuilder().setName(study)
                .setSearchSpace(SearchSpace.newBuilder().addParams(floatParam("lr", 1e-4, 1)))
                .addObjectives(Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE))
                .setLeaseSeconds(60)
                .build()).getStudy();
        assertEquals("random", created.getSampler().getName());
        assertEquals("none", created.getScheduler().getName());
        assertEquals(60, created.getLeaseSeconds());
        assertEquals(3, created.getMaxAttempts());
        assertTrue(stub().listStudies(ListStudiesRequest.getDefaultInstance()).getStudiesList().stream()
                .anyMatch(s -> s.getName().equals(study)));

        Trial queued = stub().enqueueTrial(EnqueueTrialRequest.newBuilder().setStudy(study)
                .addConfig(ParameterValue.newBuilder().setName("lr").setValue(Value.newBuilder().setFloatValue(0.01)))
                .build()).getTrial();
        assertEquals(TrialState.WAITING, queued.getState());

        AskedTrial asked = stub().ask(AskRequest.newBuilder().setStudy(study).setWorker("w1").build()).getTrials(0);
        assertEquals("the enqueued trial comes first", queued.getId(), asked.getTrial().getId());
        assertFalse(asked.getResumed());
        assertEquals(TrialState.RUNNING, asked.getTrial().getState());
        assertEquals(0.01, TrialValues.number(asked.getTrial(), "lr"), 0.0);
        long id = queued.getId();

        HeartbeatResponse beat = stub().heartbeat(HeartbeatRequest.newBuilder().setStudy(study).setTrialId(id).build());
        assertEquals(TrialState.RUNNING, beat.getState());
        assertFalse(beat.getShouldStop());
        assertTrue(beat.getLeaseExpiresAtMs() > System.currentTimeMillis());

        for (int step = 1; step <= 3; step++) {
            var decision = stub().report(ReportRequest.newBuilder().setStudy(study).setTrialId(id)
                    .setStep(step).setValue(1.0 / step).build()).getDecision();
            assertEquals(io.hypatia.grpc.v1.Decision.CONTINUE, decision);
        }
        Trial done = stub().tell(TellRequest.newBuilder().setStudy(study).setTrialId(id)
                .setComplete(TellRequest.Complete.newBuilder().addValues(0.25)).build()).getTrial();
        assertEquals(TrialState.COMPLETE, done.getState());
        assertEquals(3, done.getIntermediateValuesCount());
        assertTrue(done.getFinishedAtMs() > 0);

        beat = stub().heartbeat(HeartbeatRequest.newBuilder().setStudy(study).setTrialId(id).build());
        assertEquals(TrialState.COMPLETE, beat.getState());
        assertTrue("a finished trial tells its worker to stop", beat.getShouldStop());
        assertEquals(done, stub().getTrial(GetTrialRequest.newBuilder().setStudy(study).setTrialId(id).build()).getTrial());

        stub().deleteStudy(DeleteStudyRequest.newBuilder().setStudy(study).build());
        StatusRuntimeException gone = null;
        try {
            stub().getStudy(GetStudyRequest.newBuilder().setStudy(study).build());
        } catch (StatusRuntimeException e) {
            gone = e;
        }
        assertNotNull("a deleted study is gone", gone);
        assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
    }

    @Test
    public void healthServesBothServiceNames() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(fixture.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
        for (String service : List.of("", "hypatia.v1.HypatiaService")) {
            HealthCheckResponse r = health.check(HealthCheckRequest.newBuilder().setService(service).build());
            assertEquals("health of '" + service + "'", HealthCheckResponse.ServingStatus.SERVING, r.getStatus());
        }
    }

    @Test
    public void reflectionListsTheService() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        List<String> services = new ArrayList<>();
        Throwable[] error = new Throwable[1];
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(fixture.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        r.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).forEach(services::add);
                    }

                    @Override
                    public void onError(Throwable t) {
                        error[0] = t;
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(null, error[0]);
        assertTrue(services.toString(), services.contains("hypatia.v1.HypatiaService"));
        assertTrue(services.toString(), services.contains("grpc.health.v1.Health"));
    }

    @Test
    public void listPluginsNamesTheDeployedBundles() throws Exception {
        for (String[] kindAndName : List.of(new String[] {"sampler", "random"}, new String[] {"scheduler", "median"},
                new String[] {"benchmark", "branin"})) {
            PluginInfo p = awaitPlugin(kindAndName[0], kindAndName[1]);
            assertFalse(p + " has a version", p.getVersion().isEmpty());
            assertFalse(p + " names its bundle", p.getBundle().isEmpty());
            assertEquals(p.toString(), "ACTIVE", p.getState());
        }
    }

    /** Plugins register asynchronously once their bundles start; wait a little for them. */
    private static PluginInfo awaitPlugin(String kind, String name) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        List<PluginInfo> plugins;
        do {
            plugins = stub().listPlugins(ListPluginsRequest.getDefaultInstance()).getPluginsList();
            for (PluginInfo p : plugins) {
                if (p.getKind().equals(kind) && p.getName().equals(name)) {
                    return p;
                }
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        fail("no " + kind + " named '" + name + "' among " + plugins.stream().map(p -> p.getKind() + ":" + p.getName()).toList());
        return null;
    }

    private static Parameter floatParam(String name, double low, double high) {
        return Parameter.newBuilder().setName(name).setFloat(FloatDomain.newBuilder().setLow(low).setHigh(high)).build();
    }

    /** Branin-Hoo (Surjanovic & Bingham), minimum 0.397887 at three points. */
    static double branin(double x1, double x2) {
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        double square = x2 - b * x1 * x1 + c * x1 - 6;
        return square * square + 10 * (1 - t) * Math.cos(x1) + 10;
    }
}
