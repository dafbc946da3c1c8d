package io.hypatia.engine;

import io.hypatia.api.space.Config;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The engine's mutable view of one trial; guarded by its study's lock. */
final class TrialRecord {
    final long id;
    final int number;
    final Config config;
    final long createdAt;
    TrialState state;
    List<Double> values = List.of();
    List<Double> constraints = List.of();
    /** The current curve: values of the current attempt and those it resumed from (what plugins see). */
    final List<IntermediateValue> intermediates = new ArrayList<>();
    /** The attempt of each entry of {@link #intermediates}. */
    final List<Integer> intermediateAttempts = new ArrayList<>();
    /** Values of earlier attempts that the current one no longer builds on, kept for history. */
    final List<ReportRecord> abandoned = new ArrayList<>();
    final List<DecisionRecord> decisions = new ArrayList<>();
    double budget;
    final Map<String, String> attributes = new HashMap<>();
    String failReason = "";
    String worker = "";
    long leaseExpiresAt;
    long finishedAt;
    /** Hand-outs so far; the current attempt's number. */
    int attempts;
    /** How many times its worker was lost (lease expired); bounded by the study's max_attempts. */
    int leaseLosses;
    String tellRequestId = "";
    String checkpoint = "";
    double checkpointStep = -1;
    long parentTrialId;
    double parentStep;
    /** When the current interval of training began (clock millis), or -1 while it is not running; memory only. */
    long trainingSinceMillis = -1;
    private Trial snapshot;
    /** The owning study's history, told of every change; set when the trial joins its study. */
    History history;

    TrialRecord(long id, int number, Config config, TrialState state, long createdAt) {
        this.id = id;
        this.number = number;
        this.config = config;
        this.state = state;
        this.createdAt = createdAt;
    }

    /** Call after every mutation so the next snapshot is rebuilt. */
    void changed() {
        snapshot = null;
        if (history != null) {
            history.changed(this);
        }
    }

    IntermediateValue lastIntermediate() {
        return intermediates.isEmpty() ? null : intermediates.get(intermediates.size() - 1);
    }

    /**
     * Gives up the current curve past {@code step} (all of it when {@code step < 0}): those
     * values move to {@link #abandoned}. Returns how many moved.
     */
    int abandonAfter(double step) {
        int keep = 0;
        while (keep < intermediates.size() && intermediates.get(keep).step() <= step) {
            keep++;
        }
        int moved = intermediates.size() - keep;
        for (int i = keep; i < intermediates.size(); i++) {
            IntermediateValue v = intermediates.get(i);
            abandoned.add(new ReportRecord(v.step(), v.value(), intermediateAttempts.get(i), true));
        }
        intermediates.subList(keep, intermediates.size()).clear();
        intermediateAttempts.subList(keep, intermediateAttempts.size()).clear();
        return moved;
    }

    /** Immutable plugin-facing snapshot, cached until the next change. */
    Trial trial() {
        if (snapshot == null) {
            snapshot = new Trial(id, number, state, config, values, intermediates, budget, attributes, constraints,
                    attempts, checkpointStep, parentTrialId);
        }
        return snapshot;
    }

    /** Every report, current and abandoned, in step order within each attempt. */
    List<ReportRecord> reports() {
        List<ReportRecord> out = new ArrayList<>(abandoned.size() + intermediates.size());
        out.addAll(abandoned);
        for (int i = 0; i < intermediates.size(); i++) {
            out.add(new ReportRecord(intermediates.get(i).step(), intermediates.get(i).value(), intermediateAttempts.get(i), false));
        }
        out.sort((a, b) -> a.attempt() != b.attempt() ? Integer.compare(a.attempt(), b.attempt()) : Double.compare(a.step(), b.step()));
        return out;
    }

    TrialInfo info(String study) {
        return new TrialInfo(study, trial(), failReason, worker, leaseExpiresAt, createdAt, finishedAt, attempts,
                checkpoint, checkpointStep, parentTrialId, parentStep, reports(), List.copyOf(decisions));
    }
}
