package io.hypatia.it;

import static org.junit.Assert.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hypatia.client.Failover;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.ListTrialsRequest;
import io.hypatia.grpc.v1.ListTrialsResponse;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.ReportRequest;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.TrialState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;

/**
 * Issue 11: kill -9 of the service under 32 concurrent clients doing ask/report/tell with
 * request ids and retries, restarted on the same data folder and port. Every acknowledged tell
 * is stored exactly once with its value, no trial is left RUNNING once the clients are done
 * (an ask whose answer was lost is retried with its request id and gets the same trial), and
 * trial numbers have no gap or duplicate. Prints the figures (acked vs stored) for the report.
 * {@code -Dhypatia.kill.runs=5} repeats the whole scenario five times.
 */
public class KillUnderLoadIT {
    private static final int CLIENTS = 32;
    private static final int ACKS_BEFORE_KILL = 150;
    private static final int ACKS_AFTER_RESTART = 100;
    private static final String STUDY = "kill";
    /** How long the clients may go without the acknowledgements awaited (a restart on a loaded machine). */
    private static final Duration PATIENCE = Duration.ofSeconds(300);

    private final Map<Long, Double> acked = new ConcurrentHashMap<>();
    /** The Java client's own repeat rule (Ask, Report and Tell may be repeated), patient enough for a restart under load. */
    private Failover failover;
    /** The service's channel; replaced by one to the restarted service (on a fresh port, so no bind race with the dead one). */
    private final AtomicReference<ManagedChannel> current = new AtomicReference<>();

    /**
     * Runs the scenario {@code -Dhypatia.kill.runs=N} times (default 1), each on a fresh data
     * folder, and prints each run's figures and a summary line.
     */
    @Test
    public void acknowledgedTellsSurviveKillDashNineUnderLoad() throws Exception {
        int runs = Integer.getInteger("hypatia.kill.runs", 1);
        List<String> figures = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            acked.clear();
            failover = new Failover(2000, Duration.ofMillis(50), Duration.ofMillis(500));
            figures.add(killAndRestartOnce());
            System.out.printf("kill -9 run %d of %d passed%n", run, runs);
        }
        System.out.printf("kill -9 under %d clients, %d runs, all passed:%n  %s%n", CLIENTS, runs, String.join("\n  ", figures));
    }

    /** One kill -9 and restart under load; returns the run's figures (acked vs stored). */
    private String killAndRestartOnce() throws Exception {
        Path work = Files.createTempDirectory("hypatia-kill");
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        Files.copy(ServiceFixture.bundlesDir().resolve("hypatia-sampler-random.jar"), deploy.resolve("random.jar"));
        Path data = work.resolve("data");
        ChildService first = ChildService.start(data, deploy, "--port", "0");
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", first.awaitServing()).usePlaintext().build();
        current.set(channel);
        ManagedChannel restarted = null;
        ChildService second = null;
        ClientLoad load = null;
        try {
            HypatiaServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS).createStudy(
                    CreateStudyRequest.newBuilder().setName(STUDY).setSearchSpace(SearchSpace.newBuilder().addParams(
                            Parameter.newBuilder().setName("x").setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1))))
                            .addObjectives(Objective.newBuilder().setName("y").setDirection(Direction.MINIMIZE)).build());
            load = ClientLoad.start(CLIENTS, this::client);
            load.awaitAcks(ACKS_BEFORE_KILL, PATIENCE);
            int ackedBeforeKill = load.acks();
            first.kill();
            second = ChildService.start(data, deploy, "--port", "0");
            restarted = ManagedChannelBuilder.forAddress("127.0.0.1", second.awaitServing()).usePlaintext().build();
            current.set(restarted);
            load.awaitAcks(ackedBeforeKill + ACKS_AFTER_RESTART, PATIENCE);
            load.finish(Duration.ofMinutes(2));

            List<Trial> trials = listAll(HypatiaServiceGrpc.newBlockingStub(restarted));
            Map<Long, Integer> seen = new HashMap<>();
            int running = 0;
            List<Integer> numbers = new ArrayList<>();
            for (Trial t : trials) {
                seen.merge(t.getId(), 1, Integer::sum);
                numbers.add(t.getNumber());
                if (t.getState() == TrialState.RUNNING) {
                    running++;
                }
            }
            int missing = 0, wrong = 0;
            for (Map.Entry<Long, Double> e : acked.entrySet()) {
                Trial t = trials.stream().filter(x -> x.getId() == e.getKey()).findFirst().orElse(null);
                if (t == null) {
                    missing++;
                } else if (t.getState() != TrialState.COMPLETE || t.getValues(0) != e.getValue()) {
                    wrong++;
                }
            }
            long duplicated = seen.values().stream().filter(n -> n > 1).count();
            numbers.sort(null);
            String figures = String.format("%d tells acknowledged (%d before the kill), %d trials stored, %d missing, %d wrong, "
                            + "%d duplicated, %d RUNNING at the end, %d retried calls",
                    acked.size(), ackedBeforeKill, trials.size(), missing, wrong, duplicated, running, failover.retriedCalls());
            System.out.printf("kill -9 under %d clients: %s%n", CLIENTS, figures);
            assertEquals("acknowledged tells missing", 0, missing);
            assertEquals("acknowledged tells stored with another state or value", 0, wrong);
            assertEquals("trials listed twice", 0, duplicated);
            assertEquals("trials left RUNNING with nobody holding them", 0, running);
            for (int i = 0; i < numbers.size(); i++) {
                assertEquals("trial numbers have no gap or duplicate", i, (int) numbers.get(i));
            }
            return figures;
        } finally {
            if (load != null) {
                load.close();
            }
            channel.shutdownNow();
            if (restarted != null) {
                restarted.shutdownNow();
            }
            first.kill();
            if (second != null) {
                second.stop();
            }
            ServiceFixture.deleteTree(work);
        }
    }

    /** The current service (the restarted one once there is one). */
    private HypatiaServiceGrpc.HypatiaServiceBlockingStub stub() {
        return HypatiaServiceGrpc.newBlockingStub(current.get()).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** One worker: ask (with a request id), report one step, tell (with a request id); each call retried until it is answered. */
    private void client(int id, ClientLoad load) {
        for (int n = 0; load.running(); n++) {
            String askId = "c" + id + "-ask" + n;
            Trial trial = failover.call(true, () -> stub()
                    .ask(AskRequest.newBuilder().setStudy(STUDY).setWorker("c" + id).setRequestId(askId).build())).getTrials(0).getTrial();
            double y = trial.getId() * 0.001 + id;
            ReportRequest report = ReportRequest.newBuilder().setStudy(STUDY).setTrialId(trial.getId()).setStep(1).setValue(y).build();
            failover.call(true, () -> stub().report(report)); // a retry of a recorded report answers as the first did
            TellRequest tell = TellRequest.newBuilder().setStudy(STUDY).setTrialId(trial.getId()).setRequestId("c" + id + "-tell" + n)
                    .setComplete(TellRequest.Complete.newBuilder().addValues(y)).build();
            failover.call(true, () -> stub().tell(tell));
            acked.put(trial.getId(), y);
            load.acknowledged();
        }
    }

    private static List<Trial> listAll(HypatiaServiceGrpc.HypatiaServiceBlockingStub stub) {
        List<Trial> out = new ArrayList<>();
        String token = "";
        do {
            ListTrialsResponse page = stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                    .listTrials(ListTrialsRequest.newBuilder().setStudy(STUDY).setPageToken(token).build());
            out.addAll(page.getTrialsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return out;
    }
}
