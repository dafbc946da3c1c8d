package io.hypatia.client;

import io.hypatia.grpc.v1.AskedTrial;
import io.hypatia.grpc.v1.HandOut;
import io.hypatia.grpc.v1.HeartbeatRequest;
import io.hypatia.grpc.v1.ReportRequest;
import io.hypatia.grpc.v1.ReportResponse;
import io.hypatia.grpc.v1.TellRequest;
import java.util.Map;
import java.util.UUID;

/**
 * A trial leased to this worker: typed parameters, the budget, and how to start it (from
 * scratch, or resumed from a checkpoint after a promotion, requeue or PBT clone). The attempt
 * number goes with every report, heartbeat and tell, so a worker that lost its lease cannot
 * overwrite the next worker's results.
 */
public class Trial {
    private final HypatiaClient client;
    private final String study;
    private final AskedTrial asked;
    private final Values values;
    private final Map<String, Object> params;
    private volatile boolean finished;
    private volatile boolean stop;
    private volatile String lastReason = "";

    Trial(HypatiaClient client, String study, AskedTrial asked, Values values) {
        this.client = client;
        this.study = study;
        this.asked = asked;
        this.values = values;
        this.params = values.config(asked.getTrial().getConfigList());
    }

    /** Takes over a freshly asked trial (for {@link TrialScope}). */
    Trial(Trial other) {
        this(other.client, other.study, other.asked, other.values);
    }

    public long id() {
        return asked.getTrial().getId();
    }

    public int number() {
        return asked.getTrial().getNumber();
    }

    /** The configuration, typed as declared: Long, Double, Boolean or String. */
    public Map<String, Object> params() {
        return params;
    }

    public double getDouble(String name) {
        return ((Number) param(name)).doubleValue();
    }

    public long getLong(String name) {
        return (Long) param(name);
    }

    public boolean getBoolean(String name) {
        return (Boolean) param(name);
    }

    public String getString(String name) {
        return (String) param(name);
    }

    private Object param(String name) {
        Object v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' in trial " + number() + " (inactive or undeclared)");
        }
        return v;
    }

    /** The fidelity budget to train to (0 when the study has none). */
    public double budget() {
        return asked.getBudget() > 0 ? asked.getBudget() : asked.getTrial().getBudget();
    }

    public int attempt() {
        return asked.getAttempt();
    }

    /** NEW, REQUEUED, PROMOTED or CLONED. */
    public HandOut handOut() {
        return asked.getHandOut() == HandOut.HAND_OUT_UNSPECIFIED ? HandOut.NEW : asked.getHandOut();
    }

    /** True when the trainer must load {@link #checkpoint()} and go on after {@link #resumeStep()}. */
    public boolean resumed() {
        return asked.getResumed();
    }

    public String checkpoint() {
        return asked.getResumed() ? asked.getCheckpoint() : null;
    }

    public double resumeStep() {
        return asked.getResumed() ? asked.getResumeStep() : 0;
    }

    /** Records an intermediate value and the checkpoint saved at that step (or null); returns the decision. */
    public Decision report(double step, double value, String checkpoint) {
        ReportRequest req = ReportRequest.newBuilder().setStudy(study).setTrialId(id()).setStep(step).setValue(value)
                .setAttempt(attempt()).setCheckpoint(checkpoint == null ? "" : checkpoint).build();
        ReportResponse r = client.call("Report", s -> s.report(req));
        lastReason = r.getReason();
        Decision d = switch (r.getDecision()) {
            case STOP -> Decision.STOP;
            case PAUSE -> Decision.PAUSE;
            default -> Decision.CONTINUE;
        };
        if (d != Decision.CONTINUE) {
            stop = true;
            finished = true;
        }
        return d;
    }

    public Decision report(double step, double value) {
        return report(step, value, null);
    }

    /** The scheduler's explanation of the last decision. */
    public String lastReason() {
        return lastReason;
    }

    /** Extends the lease; true when the worker should stop (the trial is no longer running). */
    public boolean heartbeat() {
        HeartbeatRequest req = HeartbeatRequest.newBuilder().setStudy(study).setTrialId(id()).setAttempt(attempt()).build();
        boolean s = client.call("Heartbeat", c -> c.heartbeat(req)).getShouldStop();
        if (s) {
            stop = true;
        }
        return s;
    }

    /** Finishes the trial as COMPLETE with one value per objective. */
    public TrialRecord tell(double... values) {
        TellRequest.Complete.Builder c = TellRequest.Complete.newBuilder();
        for (double v : values) {
            c.addValues(v);
        }
        return finish(TellRequest.newBuilder().setComplete(c));
    }

    public TrialRecord tellPruned(String reason) {
        return finish(TellRequest.newBuilder().setPruned(TellRequest.Pruned.newBuilder().setReason(reason)));
    }

    public TrialRecord tellFailed(String reason) {
        return finish(TellRequest.newBuilder().setFailed(TellRequest.Failed.newBuilder().setReason(reason)));
    }

    private TrialRecord finish(TellRequest.Builder req) {
        // The request id is fixed before the first try, so a retried tell is applied once.
        TellRequest r = req.setStudy(study).setTrialId(id()).setAttempt(attempt())
                .setRequestId(UUID.randomUUID().toString()).build();
        io.hypatia.grpc.v1.Trial told = client.call("Tell", s -> s.tell(r)).getTrial();
        finished = true;
        stop = true;
        return TrialRecord.of(told, values);
    }

    /** Told, or stopped/paused by the scheduler. */
    public boolean finished() {
        return finished;
    }

    /** The scheduler said stop or pause, or a heartbeat learned the trial is no longer running. */
    public boolean shouldStop() {
        return stop;
    }

    @Override
    public String toString() {
        return "Trial(number=" + number() + ", params=" + params + ", budget=" + budget() + ", attempt=" + attempt() + ")";
    }
}
