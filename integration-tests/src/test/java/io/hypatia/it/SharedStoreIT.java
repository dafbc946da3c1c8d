package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.hypatia.client.HypatiaClient;
import io.hypatia.client.Study;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.Fidelity;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.TrialState;
import io.hypatia.it.schedulers.StudyHelpers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/**
 * Issue 13: three `hypatia serve` processes on one PostgreSQL database, 32 concurrent clients
 * spread across them running one study with ASHA (pause and promote) and one with TPE, every
 * call with a request id. Each client is a Java client of its own with its own worker name, as
 * separate trainers are, given all three addresses as one target. Mid-run one gateway is killed
 * with SIGKILL; each client's round robin drops it and its built-in failover repeats the calls
 * it had in flight on another gateway. Checked from the trials stored: numbers dense and unique
 * per study, every acknowledged tell stored once with its value and under the worker that told
 * it, no trial promoted twice to one budget, nothing left RUNNING.
 *
 * <p>Needs a PostgreSQL server: HYPATIA_TEST_PG_URL, HYPATIA_TEST_PG_USER and
 * HYPATIA_TEST_PG_PASSWORD (`eval "$(.ci/postgres start DIR)"` starts one). Skipped without
 * it, except with CI=true, where it fails.
 */
public class SharedStoreIT {
    private static final int GATEWAYS = 3, CLIENTS = 32, ACKS_BEFORE_KILL = 60, ACKS_AFTER_KILL = 60;
    private static final double MAX_EPOCH = 9;

    /** How long the clients may go without the acknowledgements awaited (a gateway lost on a loaded machine). */
    private static final Duration PATIENCE = Duration.ofSeconds(900);

    /** A tell the service acknowledged: the value and the worker that told it. */
    private record Told(double value, String worker) {
    }

    private SharedGateways gateways;
    private ClientLoad load;
    private final Map<String, Told> acked = new ConcurrentHashMap<>();
    /** Calls the clients repeated (on another gateway or after a deadline), summed as each client closes. */
    private final AtomicLong retriedCalls = new AtomicLong();

    @Test
    public void threeGatewaysShareStudiesAndSurviveTheLossOfOne() throws Exception {
        try (SharedGateways gateways = SharedGateways.start("SharedStoreIT", GATEWAYS, "hypatia-sampler-random",
                "hypatia-sampler-support", "hypatia-sampler-tpe", "hypatia-scheduler-support", "hypatia-scheduler-asha")) {
            this.gateways = gateways;
            try {
                run();
            } catch (Throwable e) {
                explain(e);
                throw e;
            }
        } finally {
            if (load != null) {
                load.close();
            }
        }
    }

    private void run() throws Exception {
        gateways.awaitPlugin("scheduler", "asha");
        createStudies();
        load = ClientLoad.start(CLIENTS, this::client);
        load.awaitAcks(ACKS_BEFORE_KILL, PATIENCE);
        int ackedBeforeKill = load.acks();
        gateways.kill(0);
        load.awaitAcks(ackedBeforeKill + ACKS_AFTER_KILL, PATIENCE);
        load.finish(Duration.ofMinutes(5));
        check("asha", ackedBeforeKill);
        check("tpe", ackedBeforeKill);
    }

    /**
     * For a failure: the gateways' last log lines, and the history of each trial the failure names
     * ("trial N"): its attempts, workers, reports and decisions, as the store has them.
     */
    private void explain(Throwable e) {
        if (load != null) {
            load.close();
        }
        gateways.printTails(60);
        Set<Long> named = new HashSet<>();
        for (Throwable c = e; c != null; c = c.getCause()) {
            var m = java.util.regex.Pattern.compile("trial (\\d+)").matcher(String.valueOf(c.getMessage()));
            while (m.find()) {
                named.add(Long.parseLong(m.group(1)));
            }
        }
        for (long id : named) {
            for (String study : List.of("asha", "tpe")) {
                try {
                    var t = stub(2).getTrial(io.hypatia.grpc.v1.GetTrialRequest.newBuilder().setStudy(study).setTrialId(id).build());
                    System.err.println("---- " + study + " trial " + id + " as stored ----\n" + t);
                } catch (RuntimeException notThere) {
                    // a trial of the other study
                }
            }
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
        return gateways.stub(gateway);
    }

    private static double curve(io.hypatia.client.Trial t, double epoch) {
        double x = t.getDouble("x"), y = t.getDouble("y");
        return (x - 0.3) * (x - 0.3) + (y - 0.7) * (y - 0.7) + (0.5 + x) * Math.exp(-epoch / 5);
    }

    /**
     * One trainer: a Java client of its own over all three gateways (one target naming them all),
     * under its own worker name. Alternates an ASHA trial (epochs with checkpoints, obeying PAUSE
     * and STOP) and a TPE trial; each finished before stopping.
     */
    private void client(int c, ClientLoad load) {
        String worker = "worker-" + c;
        // generous repeats: a loaded build machine may leave a gateway's call past its deadline
        try (HypatiaClient client = HypatiaClient.builder(gateways.target()).worker(worker).retries(50)
                .timeout(Duration.ofSeconds(60)).build()) {
            try {
                train(client, worker, load);
            } finally {
                retriedCalls.addAndGet(client.retriedCalls());
            }
        }
    }

    private void train(HypatiaClient client, String worker, ClientLoad load) {
        Study asha = client.loadStudy("asha"), tpe = client.loadStudy("tpe");
        for (int n = 0; load.running(); n++) {
            Study study = n % 2 == 0 ? asha : tpe;
            io.hypatia.client.Trial t = study.ask(); // with a request id: a repeat answers the same trial
            boolean finished = true;
            if (study == asha) {
                for (double epoch = (t.resumed() ? t.resumeStep() : 0) + 1; epoch <= t.budget(); epoch++) {
                    if (t.report(epoch, curve(t, epoch), "ckpt/" + t.id() + "/" + epoch) != io.hypatia.client.Decision.CONTINUE) {
                        finished = false;
                        break;
                    }
                }
            }
            if (finished) {
                double value = curve(t, study == asha ? t.budget() : MAX_EPOCH);
                t.tell(value);
                acked.put(study.name() + ":" + t.id(), new Told(value, worker));
                load.acknowledged();
            }
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
        for (Map.Entry<String, Told> e : acked.entrySet()) {
            if (!e.getKey().startsWith(study + ":")) {
                continue;
            }
            Trial t = byId.get(Long.parseLong(e.getKey().substring(study.length() + 1)));
            assertTrue(study + ": acknowledged tell " + e.getKey() + " is stored", t != null);
            assertEquals(study + ": trial " + t.getId() + " state", TrialState.COMPLETE, t.getState());
            assertEquals(study + ": trial " + t.getId() + " value", e.getValue().value(), t.getValues(0), 0.0);
            // the lease of the attempt that told it was that worker's: a repeated ask or tell moved it to no one else
            assertEquals(study + ": trial " + t.getId() + " worker", e.getValue().worker(), t.getWorker());
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
                        + "gateway 0 was killed), %d promotions, %d RUNNING at the end, %d calls repeated by the client%n",
                study, trials.size(), stored, ackedBeforeKill, promotions, running, retriedCalls.get());
        assertEquals(study + ": trials left RUNNING with nobody holding them", 0, running);
    }
}
