package io.hypatia.client;

import io.hypatia.grpc.v1.AskRequest;
import io.hypatia.grpc.v1.EnqueueTrialRequest;
import io.hypatia.grpc.v1.GetBestTrialsRequest;
import io.hypatia.grpc.v1.GetTrialRequest;
import io.hypatia.grpc.v1.ListTrialsRequest;
import io.hypatia.grpc.v1.ListTrialsResponse;
import io.hypatia.grpc.v1.ParameterValue;
import io.hypatia.grpc.v1.UpdateStudyRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A study on the service; get one from {@link HypatiaClient#createStudy} or {@link HypatiaClient#loadStudy}. */
public final class Study {
    private final HypatiaClient client;
    private final io.hypatia.grpc.v1.Study proto;
    private final Values values;

    Study(HypatiaClient client, io.hypatia.grpc.v1.Study proto) {
        this.client = client;
        this.proto = proto;
        this.values = new Values(proto.getSearchSpace());
    }

    public String name() {
        return proto.getName();
    }

    /** The lease length in seconds. */
    public long leaseSeconds() {
        return proto.getLeaseSeconds() > 0 ? proto.getLeaseSeconds() : 300;
    }

    /**
     * Leases one trial: a queued one, a promoted paused one, or a new suggestion. The request id
     * is fixed before the first try, so a retried ask gets the same trial.
     */
    public Trial ask() {
        AskRequest req = AskRequest.newBuilder().setStudy(name()).setCount(1).setWorker(client.worker())
                .setRequestId(java.util.UUID.randomUUID().toString()).build();
        return new Trial(client, name(), client.call("Ask", s -> s.ask(req)).getTrials(0), values);
    }

    /** {@link #ask()} in a scope that heartbeats every third of the lease and fails the trial if closed unfinished. */
    public TrialScope trial() {
        return new TrialScope(ask(), Duration.ofMillis(leaseSeconds() * 1000 / 3));
    }

    public TrialScope trial(Duration heartbeatPeriod) {
        return new TrialScope(ask(), heartbeatPeriod);
    }

    /** Queues a fixed configuration, handed out before any sampled one. */
    public TrialRecord enqueue(Map<String, ?> params) {
        EnqueueTrialRequest.Builder req = EnqueueTrialRequest.newBuilder().setStudy(name());
        params.forEach((k, v) -> req.addConfig(ParameterValue.newBuilder().setName(k).setValue(Values.toWire(v))));
        return TrialRecord.of(client.call("EnqueueTrial", s -> s.enqueueTrial(req.build())).getTrial(), values);
    }

    public TrialRecord getTrial(long id) {
        GetTrialRequest req = GetTrialRequest.newBuilder().setStudy(name()).setTrialId(id).build();
        return TrialRecord.of(client.call("GetTrial", s -> s.getTrial(req)).getTrial(), values);
    }

    /** Every trial, in creation order. */
    public List<TrialRecord> trials() {
        List<TrialRecord> out = new ArrayList<>();
        String page = "";
        do { // follow the pages
            ListTrialsRequest req = ListTrialsRequest.newBuilder().setStudy(name()).setPageSize(client.pageSize())
                    .setPageToken(page).build();
            ListTrialsResponse r = client.call("ListTrials", s -> s.listTrials(req));
            r.getTrialsList().forEach(t -> out.add(TrialRecord.of(t, values)));
            page = r.getNextPageToken();
        } while (!page.isEmpty());
        return out;
    }

    /**
     * Raises the study's max budget (its fidelity's max) while it runs (UpdateStudy: Iterative
     * Deepening Hyperband). With asha or hyperband the rungs grow up to the new max and the best
     * trials finished at the old max go back to PAUSED; later asks hand them out as PROMOTED,
     * resumed from their checkpoints. Returns those continued trials. INVALID_ARGUMENT (field
     * max_budget) when the study has no fidelity or the new max is not larger.
     */
    public List<TrialRecord> raiseMaxBudget(double maxBudget) {
        UpdateStudyRequest req = UpdateStudyRequest.newBuilder().setStudy(name()).setMaxBudget(maxBudget).build();
        return client.call("UpdateStudy", s -> s.updateStudy(req)).getContinuedList().stream()
                .map(t -> TrialRecord.of(t, values)).toList();
    }

    /** The best COMPLETE trial, or the Pareto set for several objectives; empty before any completes. */
    public List<TrialRecord> bestTrials() {
        GetBestTrialsRequest req = GetBestTrialsRequest.newBuilder().setStudy(name()).build();
        return client.call("GetBestTrials", s -> s.getBestTrials(req)).getTrialsList().stream()
                .map(t -> TrialRecord.of(t, values)).toList();
    }
}
