package io.hypatia.it.schedulers;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.AskedTrial;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Decision;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.Fidelity;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.HandOut;
import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import io.hypatia.grpc.v1.IntermediateValue;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.ParameterValue;
import io.hypatia.grpc.v1.PluginSelection;
import io.hypatia.grpc.v1.ReportRequest;
import io.hypatia.grpc.v1.ReportResponse;
import io.hypatia.grpc.v1.SchedulerDecision;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.it.ServiceRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * ASHA with pause and promote, end to end: 16 worker threads, each with its own gRPC channel to
 * the real service (real Felix with the asha bundle, real store), train simulated learning curves
 * epoch by epoch, report a checkpoint at every epoch, obey PAUSE, and resume promoted trials from
 * the checkpoint the service hands back. Checked from what the workers saw and from the trials
 * the service recorded: every resume starts from the trial's last reported checkpoint; no trial
 * is promoted twice to a rung or sits in a rung twice; every promotion took a trial no worse than
 * every trial that was waiting in its rung; once drained, each rung's top floor(n/3) was promoted.
 */
public class AshaPromotionIT {
    private static final int WORKERS = 16, NEW_TRIALS = 150;
    private static final double[] LEVELS = {1, 3, 9, 27, 81};
    @ClassRule
    public static final ServiceRule fixture = new ServiceRule();

    /** A learning curve decaying to a configuration-dependent final loss (smooth, so ranks are stable). */
    static double curve(double x, double y, double epoch) {
        return (x - 0.3) * (x - 0.3) + (y - 0.7) * (y - 0.7) + (0.5 + x) * Math.exp(-epoch / 15);
    }

    static double param(Trial t, String name) {
        for (ParameterValue p : t.getConfigList()) {
            if (p.getName().equals(name)) {
                return p.getValue().getFloatValue();
            }
        }
        throw new AssertionError("no " + name);
    }

    /** What a worker saw: last checkpoint reported per trial, and every problem with a resume. */
    private final Map<Long, String> lastCheckpoint = new ConcurrentHashMap<>();
    private final Map<Long, Double> lastStep = new ConcurrentHashMap<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger started = new AtomicInteger(), resumed = new AtomicInteger();

    private void work(int w) {
        var channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", fixture.port()).usePlaintext().build();
        try {
            var stub = HypatiaServiceGrpc.newBlockingStub(channel);
            while (true) {
                AskedTrial a = stub.ask(AskRequest.newBuilder().setStudy("asha").setWorker("w" + w).build()).getTrials(0);
                long id = a.getTrial().getId();
                if (a.getHandOut() == HandOut.NEW && started.incrementAndGet() > NEW_TRIALS) {
                    // over budget: this ask found nothing to promote, so this worker is done
                    stub.tell(TellRequest.newBuilder().setStudy("asha").setTrialId(id).setAttempt(a.getAttempt())
                            .setFailed(TellRequest.Failed.newBuilder().setReason("budget spent")).build());
                    return;
                }
                double from = 0;
                if (a.getHandOut() == HandOut.PROMOTED) {
                    resumed.incrementAndGet();
                    if (!a.getResumed() || !a.getCheckpoint().equals(lastCheckpoint.get(id))
                            || a.getResumeStep() != lastStep.get(id)) {
                        problems.add("trial " + id + " resumed from " + a.getCheckpoint() + " at " + a.getResumeStep()
                                + ", last reported " + lastCheckpoint.get(id) + " at " + lastStep.get(id));
                    }
                    from = a.getResumeStep();
                } else if (a.getHandOut() != HandOut.NEW) {
                    problems.add("unexpected hand-out " + a.getHandOut() + " of trial " + id);
                }
                double x = param(a.getTrial(), "x"), y = param(a.getTrial(), "y");
                boolean finished = true;
                for (double epoch = from + 1; epoch <= a.getBudget(); epoch++) {
                    String ckpt = "ckpt://asha/" + id + "/epoch-" + (int) epoch + "/attempt-" + a.getAttempt();
                    // The checkpoint is saved before it is reported: once the report is in, another
                    // worker may be handed the trial at once, before this call has even returned.
                    lastCheckpoint.put(id, ckpt);
                    lastStep.put(id, epoch);
                    ReportResponse r = stub.report(ReportRequest.newBuilder().setStudy("asha").setTrialId(id)
                            .setAttempt(a.getAttempt()).setStep(epoch).setValue(curve(x, y, epoch)).setCheckpoint(ckpt).build());
                    if (r.getDecision() != Decision.CONTINUE) {
                        finished = false;
                        break;
                    }
                }
                if (finished) {
                    stub.tell(TellRequest.newBuilder().setStudy("asha").setTrialId(id).setAttempt(a.getAttempt())
                            .setComplete(TellRequest.Complete.newBuilder().addValues(curve(x, y, a.getBudget()))).build());
                }
            }
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    public void sixteenWorkersPauseAndPromoteFollowingAsha() throws Exception {
        StudyHelpers.awaitScheduler(fixture::stub, "asha");
        fixture.stub().createStudy(CreateStudyRequest.newBuilder().setName("asha")
                .setSearchSpace(SearchSpace.newBuilder()
                        .addParams(Parameter.newBuilder().setName("x").setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1)))
                        .addParams(Parameter.newBuilder().setName("y").setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1))))
                .addObjectives(Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE))
                .setSampler(PluginSelection.newBuilder().setName("random").putConfig("seed", "7"))
                .setScheduler(PluginSelection.newBuilder().setName("asha").putConfig("reduction_factor", "3"))
                .setFidelity(Fidelity.newBuilder().setName("epoch").setMin(1).setMax(81))
                .setLeaseSeconds(600).build());
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            int id = w;
            futures.add(pool.submit(() -> work(id)));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertEquals(List.of(), problems);

        List<Trial> trials = StudyHelpers.allTrials(fixture.stub(), "asha");

        // rung k: trial id -> its value at the level; its entry time; promotions out of rung k
        List<Map<Long, Double>> rungValue = new ArrayList<>();
        List<Map<Long, Long>> enteredAt = new ArrayList<>();
        List<Map<Long, Long>> promotedAt = new ArrayList<>();
        for (int k = 0; k < LEVELS.length; k++) {
            rungValue.add(new HashMap<>());
            enteredAt.add(new HashMap<>());
            promotedAt.add(new HashMap<>());
        }
        int promotions = 0;
        for (Trial t : trials) {
            if (t.getIntermediateValuesCount() == 0) {
                continue; // the over-budget trials
            }
            Set<Integer> rungsSeen = new HashSet<>();
            Set<Double> promotedTo = new HashSet<>();
            for (SchedulerDecision d : t.getDecisionsList()) {
                if (d.getDecision().equals("PROMOTE")) {
                    promotions++;
                    int from = Arrays.binarySearch(LEVELS, d.getStep());
                    assertTrue("promoted from a rung level: " + d, from >= 0 && from < LEVELS.length - 1);
                    assertTrue("trial " + t.getId() + " promoted twice to rung " + (from + 1), promotedTo.add(LEVELS[from + 1]));
                    promotedAt.get(from).put(t.getId(), d.getAtMs());
                } else if (d.getRung() >= 0) {
                    assertTrue("trial " + t.getId() + " twice in rung " + d.getRung(), rungsSeen.add(d.getRung()));
                    assertEquals(LEVELS[d.getRung()], d.getStep(), 0);
                    enteredAt.get(d.getRung()).put(t.getId(), d.getAtMs());
                    double value = t.getIntermediateValuesList().stream().filter(v -> v.getStep() == d.getStep())
                            .mapToDouble(IntermediateValue::getValue).findFirst().orElseThrow();
                    rungValue.get(d.getRung()).put(t.getId(), value);
                }
            }
        }
        int[] sizes = new int[LEVELS.length];
        for (int k = 0; k < LEVELS.length; k++) {
            sizes[k] = rungValue.get(k).size();
        }
        System.out.printf("ASHA promotion over gRPC, %d workers, %d new trials: rung sizes %s, %d promotions, %d resumes%n",
                WORKERS, NEW_TRIALS, Arrays.toString(sizes), promotions, resumed.get());
        assertEquals(NEW_TRIALS, sizes[0]);
        assertEquals(promotions, resumed.get());
        for (int k = 0; k + 1 < LEVELS.length; k++) {
            // a rung holds exactly the trials promoted out of the rung below
            assertEquals(promotedAt.get(k).keySet(), rungValue.get(k + 1).keySet());
            // drained: the top floor(n/3) of every rung were promoted
            List<Map.Entry<Long, Double>> sorted = new ArrayList<>(rungValue.get(k).entrySet());
            sorted.sort(Map.Entry.comparingByValue());
            for (int i = 0; i < sizes[k] / 3; i++) {
                assertTrue("rank " + (i + 1) + " of rung " + k + " was promoted", promotedAt.get(k).containsKey(sorted.get(i).getKey()));
            }
            assertTrue("rung " + (k + 1) + ": " + sizes[k + 1] + " vs floor(" + sizes[k] + "/3)", sizes[k + 1] >= sizes[k] / 3);
            // each promotion took a trial no worse than every trial that had been waiting in the rung
            // (entered it strictly earlier, by the service's clock) and was never promoted
            for (Map.Entry<Long, Long> p : promotedAt.get(k).entrySet()) {
                double promotedValue = rungValue.get(k).get(p.getKey());
                for (Map.Entry<Long, Long> waiting : enteredAt.get(k).entrySet()) {
                    if (!promotedAt.get(k).containsKey(waiting.getKey()) && waiting.getValue() < p.getValue()) {
                        assertTrue("trial " + p.getKey() + " (" + promotedValue + ") promoted from rung " + k + " over waiting trial "
                                + waiting.getKey() + " (" + rungValue.get(k).get(waiting.getKey()) + ")",
                                promotedValue <= rungValue.get(k).get(waiting.getKey()));
                    }
                }
            }
        }
        assertTrue("trials reached the max resource", sizes[LEVELS.length - 1] > 0);
    }
}
