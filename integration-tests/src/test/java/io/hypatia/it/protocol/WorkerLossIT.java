package io.hypatia.it.protocol;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.AskedTrial;
import io.hypatia.grpc.v1.CreateStudyRequest;
import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.FloatDomain;
import io.hypatia.grpc.v1.GetTrialRequest;
import io.hypatia.grpc.v1.HandOut;
import io.hypatia.grpc.v1.HeartbeatRequest;
import io.hypatia.grpc.v1.IntermediateValue;
import io.hypatia.grpc.v1.Objective;
import io.hypatia.grpc.v1.Parameter;
import io.hypatia.grpc.v1.ReportRequest;
import io.hypatia.grpc.v1.SearchSpace;
import io.hypatia.grpc.v1.TellRequest;
import io.hypatia.grpc.v1.Trial;
import io.hypatia.grpc.v1.TrialState;
import io.hypatia.it.ServiceRule;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * A trainer process is killed with SIGKILL mid-trial. Its trial is requeued when the lease runs
 * out; the next worker is told to resume from the last checkpoint (or to start over when there
 * is none), and the dead worker's attempt is fenced off: its late report and tell are refused.
 */
public class WorkerLossIT {
    /** Long enough that a healthy worker that heartbeats before each call never loses it, even on a loaded machine. */
    private static final int LEASE_SECONDS = 5;
    @ClassRule
    public static final ServiceRule fixture = new ServiceRule();

    private static void createStudy(String name) {
        fixture.stub().createStudy(CreateStudyRequest.newBuilder().setName(name)
                .setSearchSpace(SearchSpace.newBuilder()
                        .addParams(Parameter.newBuilder().setName("x").setFloat(FloatDomain.newBuilder().setLow(0).setHigh(1))))
                .addObjectives(Objective.newBuilder().setName("loss").setDirection(Direction.MINIMIZE))
                .setLeaseSeconds(LEASE_SECONDS).build());
    }

    /** Starts a worker process; returns it once it has reported, with its trial id and attempt. */
    private static Process startDyingWorker(String study, boolean checkpoints, long[] trialAndAttempt) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DyingWorker.class.getName(),
                String.valueOf(fixture.port()), study, String.valueOf(checkpoints)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("READY ")) {
                String[] parts = line.split(" ");
                trialAndAttempt[0] = Long.parseLong(parts[1]);
                trialAndAttempt[1] = Long.parseLong(parts[2]);
                return p;
            }
            System.out.println("[worker] " + line);
        }
        fail("the worker process exited before reporting (exit " + p.waitFor() + ")");
        return null;
    }

    private static Trial trial(String study, long id) {
        return fixture.stub().getTrial(GetTrialRequest.newBuilder().setStudy(study).setTrialId(id).build()).getTrial();
    }

    private static void awaitState(String study, long id, TrialState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (trial(study, id).getState() != state) {
            assertTrue("trial " + id + " never became " + state, System.nanoTime() < deadline);
            Thread.sleep(100);
        }
    }

    private static Status.Code refusal(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
        fail("the call was accepted");
        return null;
    }

    @Test
    public void theNextWorkerResumesFromTheLastCheckpointAndTheDeadOneIsFenced() throws Exception {
        createStudy("resume");
        createStudy("restart");
        long[] resumeIds = new long[2];
        long[] restartIds = new long[2];
        Process withCheckpoints = startDyingWorker("resume", true, resumeIds);
        Process without = startDyingWorker("restart", false, restartIds);
        withCheckpoints.destroyForcibly().waitFor();
        without.destroyForcibly().waitFor();
        assertEquals(1, resumeIds[1]);

        // With checkpoints: resume at step 3; values 4 and 5 of the dead attempt are history only.
        awaitState("resume", resumeIds[0], TrialState.WAITING);
        AskedTrial next = fixture.stub().ask(AskRequest.newBuilder().setStudy("resume").setWorker("healthy").build()).getTrials(0);
        long id = next.getTrial().getId();
        assertEquals(resumeIds[0], id);
        assertEquals(HandOut.REQUEUED, next.getHandOut());
        assertTrue(next.getResumed());
        assertEquals(2, next.getAttempt());
        assertEquals("ckpt://resume/" + id + "/3", next.getCheckpoint());
        assertEquals(3.0, next.getResumeStep(), 0);
        heartbeat("resume", id, 2);
        fixture.stub().report(ReportRequest.newBuilder().setStudy("resume").setTrialId(id).setAttempt(2).setStep(4).setValue(0.2)
                .setCheckpoint("ckpt://resume/" + id + "/4-again").build());
        // The dead worker's attempt comes back late (a partitioned node): refused, told to stop.
        assertEquals(Status.Code.FAILED_PRECONDITION, refusal(() -> fixture.stub().report(ReportRequest.newBuilder()
                .setStudy("resume").setTrialId(id).setAttempt(1).setStep(6).setValue(0.1).build())));
        assertEquals(Status.Code.FAILED_PRECONDITION, refusal(() -> fixture.stub().tell(TellRequest.newBuilder()
                .setStudy("resume").setTrialId(id).setAttempt(1)
                .setComplete(TellRequest.Complete.newBuilder().addValues(0.1)).build())));
        assertTrue(fixture.stub().heartbeat(HeartbeatRequest.newBuilder().setStudy("resume").setTrialId(id).setAttempt(1).build())
                .getShouldStop());
        heartbeat("resume", id, 2);
        fixture.stub().tell(TellRequest.newBuilder().setStudy("resume").setTrialId(id).setAttempt(2).setRequestId("done")
                .setComplete(TellRequest.Complete.newBuilder().addValues(0.2)).build());
        Trial done = trial("resume", id);
        assertEquals(TrialState.COMPLETE, done.getState());
        List<IntermediateValue> values = done.getIntermediateValuesList();
        assertEquals("5 reports of attempt 1 and 1 of attempt 2", 6, values.size());
        assertEquals(List.of(1, 1, 1, 1, 1, 2), values.stream().map(IntermediateValue::getAttempt).toList());
        assertEquals("LEASE_EXPIRED", done.getDecisions(0).getDecision());

        // Without a checkpoint: start over from step 1.
        awaitState("restart", restartIds[0], TrialState.WAITING);
        AskedTrial fresh = fixture.stub().ask(AskRequest.newBuilder().setStudy("restart").setWorker("healthy").build()).getTrials(0);
        assertEquals(restartIds[0], fresh.getTrial().getId());
        assertEquals(HandOut.REQUEUED, fresh.getHandOut());
        assertFalse(fresh.getResumed());
        assertEquals("", fresh.getCheckpoint());
        heartbeat("restart", fresh.getTrial().getId(), fresh.getAttempt());
        fixture.stub().report(ReportRequest.newBuilder().setStudy("restart").setTrialId(fresh.getTrial().getId())
                .setAttempt(fresh.getAttempt()).setStep(1).setValue(0.9).build());
        assertEquals(1, trial("restart", fresh.getTrial().getId()).getIntermediateValuesList().stream()
                .filter(v -> v.getAttempt() == fresh.getAttempt()).count());
    }

    private static void heartbeat(String study, long id, int attempt) {
        assertFalse(fixture.stub().heartbeat(HeartbeatRequest.newBuilder().setStudy(study).setTrialId(id).setAttempt(attempt).build())
                .getShouldStop());
    }
}
