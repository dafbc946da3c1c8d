package io.hypatia.engine;

import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the engine's state from the store: at start-up only the studies' specs and how many
 * trials each has in each state (so a restart costs the number of studies, not of trials); a
 * study's trials when it is first used after that.
 */
final class StoreLoader {
    interface StudyFactory {
        void create(long id, StudySpec spec, long createdAt, Map<TrialState, Integer> counts);
    }

    private static final String TRIAL_COLUMNS = """
            trial_id, number, state, config, trial_values, budget, attributes, fail_reason,
              worker, lease_expires_at, created_at, finished_at, attempts, tell_request_id, constraint_values,
              lease_losses, checkpoint, checkpoint_step, parent_trial_id, parent_step, decisions""";

    private final Store store;

    StoreLoader(Store store) {
        this.store = store;
    }

    /** Every study's spec and trial counts; returns the largest trial id in the store (0 when none). */
    long loadStudies(StudyFactory studies) throws SQLException {
        Map<Long, Map<TrialState, Integer>> counts = new HashMap<>();
        store.read("SELECT study_id, state, COUNT(*) FROM trials GROUP BY study_id, state", rs -> {
            while (rs.next()) {
                counts.computeIfAbsent(rs.getLong(1), k -> new EnumMap<>(TrialState.class))
                        .put(TrialState.valueOf(rs.getString(2)), rs.getInt(3));
            }
            return null;
        });
        store.read("SELECT study_id, spec, created_at FROM studies ORDER BY study_id", rs -> {
            while (rs.next()) {
                long id = rs.getLong(1);
                studies.create(id, Json.spec(Json.read(rs.getString(2))), rs.getLong(3), counts.getOrDefault(id, Map.of()));
            }
            return null;
        });
        return store.read("SELECT MAX(trial_id) FROM trials", rs -> rs.next() ? rs.getLong(1) : 0L);
    }

    /** One trial row as read, parsed after the read so the store's writer is not held up by JSON. */
    private record Row(long id, int number, String state, String config, String values, double budget, String attributes,
                       String failReason, String worker, long leaseExpiresAt, long createdAt, long finishedAt, int attempts,
                       String tellRequestId, String constraints, int leaseLosses, String checkpoint, double checkpointStep,
                       long parentTrialId, double parentStep, String decisions) {
    }

    private record Report(long trialId, double step, double value, int attempt, boolean abandoned) {
    }

    /**
     * The trials of {@code s} as the store holds them once every change queued before this call is
     * committed: the read is queued behind those changes on the store's one writer.
     */
    StudyTrials loadTrials(StudyState s) {
        List<Row> rows = new ArrayList<>();
        List<Report> reports = new ArrayList<>();
        CompletableFuture<Void> read = store.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TRIAL_COLUMNS + " FROM trials WHERE study_id = ? ORDER BY number")) {
                ps.setLong(1, s.id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getDouble(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getLong(10), rs.getLong(11),
                                rs.getLong(12), rs.getInt(13), rs.getString(14), rs.getString(15), rs.getInt(16), rs.getString(17),
                                rs.getDouble(18), rs.getLong(19), rs.getDouble(20), rs.getString(21)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT v.trial_id, v.step, v.value, v.attempt, v.abandoned FROM intermediate_values v
                    JOIN trials t ON t.trial_id = v.trial_id WHERE t.study_id = ? ORDER BY v.trial_id, v.seq""")) {
                ps.setLong(1, s.id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        reports.add(new Report(rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getInt(4), rs.getInt(5) != 0));
                    }
                }
            }
        });
        TrialLifecycle.await(read);
        StudyTrials trials = new StudyTrials(s.spec.objectives());
        Map<Long, TrialRecord> byId = new HashMap<>();
        List<TrialRecord> records = new ArrayList<>(rows.size());
        for (Row r : rows) {
            TrialRecord t = new TrialRecord(r.id(), r.number(), Json.config(Json.read(r.config())), TrialState.valueOf(r.state()),
                    r.createdAt());
            t.values = Json.doubles(Json.read(r.values()));
            t.budget = r.budget();
            t.attributes.putAll(Json.strings(Json.read(r.attributes())));
            t.failReason = r.failReason();
            t.worker = r.worker();
            t.leaseExpiresAt = r.leaseExpiresAt();
            t.finishedAt = r.finishedAt();
            t.attempts = r.attempts();
            t.tellRequestId = r.tellRequestId();
            t.constraints = Json.doubles(Json.read(r.constraints()));
            t.leaseLosses = r.leaseLosses();
            t.checkpoint = r.checkpoint();
            t.checkpointStep = r.checkpointStep();
            t.parentTrialId = r.parentTrialId();
            t.parentStep = r.parentStep();
            t.decisions.addAll(Json.decisions(Json.read(r.decisions())));
            byId.put(t.id, t);
            records.add(t);
        }
        for (Report r : reports) {
            TrialRecord t = byId.get(r.trialId());
            if (t == null) {
                continue;
            }
            if (r.abandoned()) {
                t.abandoned.add(new ReportRecord(r.step(), r.value(), r.attempt(), true));
            } else {
                t.intermediates.add(new IntermediateValue(r.step(), r.value()));
                t.intermediateAttempts.add(r.attempt());
            }
        }
        // Added once complete, so the history's indexes (best trials, queues) see final records.
        records.forEach(trials::add);
        return trials;
    }
}
