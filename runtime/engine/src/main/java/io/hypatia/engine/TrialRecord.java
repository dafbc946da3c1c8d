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
    final List<IntermediateValue> intermediates = new ArrayList<>();
    double budget;
    final Map<String, String> attributes = new HashMap<>();
    String failReason = "";
    String worker = "";
    long leaseExpiresAt;
    long finishedAt;
    int attempts;
    String tellRequestId = "";
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

    /** Immutable plugin-facing snapshot, cached until the next change. */
    Trial trial() {
        if (snapshot == null) {
            snapshot = new Trial(id, number, state, config, values, intermediates, budget, attributes, constraints);
        }
        return snapshot;
    }

    TrialInfo info(String study) {
        return new TrialInfo(study, trial(), failReason, worker, leaseExpiresAt, createdAt, finishedAt, attempts);
    }
}
