package io.hypatia.engine;

import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetProvider;

/**
 * Reads the engine's state from the embedded store: at start-up only the studies' specs and how
 * many trials each has in each state (so a restart costs the number of studies, not of trials);
 * a study's trials when it is first used after that. The row readers are shared with the
 * {@link SharedStudyGuard}, which refreshes studies from a shared store.
 */
final class StoreLoader {
    interface StudyFactory {
        /** A stored study: its spec is still JSON text, parsed only when the study is first used. */
        void create(long id, String name, String specJson, long createdAt, Map<TrialState, Integer> counts);
    }

    /** The trials columns {@link #newTrial} and {@link #fill} read, in their order. */
    static final String TRIAL_COLUMNS = """
            trial_id, study_id, number, state, config, trial_values, budget, attributes, fail_reason,
              worker, lease_expires_at, created_at, finished_at, attempts, tell_request_id, constraint_values,
              lease_losses, checkpoint, checkpoint_step, parent_trial_id, parent_step, decisions""";

    private final Store store;

    StoreLoader(Store store) {
        this.store = store;
    }

    /** Every study's name, spec text and trial counts; returns the largest trial id in the store (0 when none). */
    long loadStudies(StudyFactory studies) throws SQLException {
        Map<Long, Map<TrialState, Integer>> counts = new HashMap<>();
        store.read("SELECT study_id, state, COUNT(*) FROM trials GROUP BY study_id, state", rs -> {
            while (rs.next()) {
                counts.computeIfAbsent(rs.getLong(1), k -> new EnumMap<>(TrialState.class))
                        .put(TrialState.valueOf(rs.getString(2)), rs.getInt(3));
            }
            return null;
        });
        store.read("SELECT study_id, name, spec, created_at FROM studies ORDER BY study_id", rs -> {
            while (rs.next()) {
                long id = rs.getLong(1);
                studies.create(id, rs.getString(2), rs.getString(3), rs.getLong(4), counts.getOrDefault(id, Map.of()));
            }
            return null;
        });
        return store.read("SELECT MAX(trial_id) FROM trials", rs -> rs.next() ? rs.getLong(1) : 0L);
    }

    /**
     * Reads the trials of {@code s} into it, as the store holds them once every change queued
     * before this call is committed: the read is queued behind those changes on the store's
     * writer. The rows are copied there and parsed after, so the writer is not held up by JSON.
     */
    void loadTrials(StudyState s) {
        CachedRowSet[] rows = new CachedRowSet[2];
        TrialLifecycle.await(store.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TRIAL_COLUMNS + " FROM trials WHERE study_id = ? ORDER BY number")) {
                ps.setLong(1, s.id);
                rows[0] = copy(ps);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT v.trial_id, v.step, v.value, v.attempt, v.abandoned "
                    + "FROM intermediate_values v JOIN trials t ON t.trial_id = v.trial_id WHERE t.study_id = ? ORDER BY v.trial_id, v.seq")) {
                ps.setLong(1, s.id);
                rows[1] = copy(ps);
            }
        }));
        try {
            List<TrialRecord> trials = new ArrayList<>();
            Map<Long, TrialRecord> byId = new HashMap<>();
            while (rows[0].next()) {
                TrialRecord t = newTrial(rows[0]);
                trials.add(t);
                byId.put(t.id, t);
            }
            while (rows[1].next()) {
                TrialRecord t = byId.get(rows[1].getLong(1));
                if (t != null) {
                    addReport(t, rows[1], 2);
                }
            }
            s.loaded(trials);
        } catch (SQLException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not be read: " + e);
        }
    }

    private static CachedRowSet copy(PreparedStatement ps) throws SQLException {
        CachedRowSet rows = RowSetProvider.newFactory().createCachedRowSet();
        try (ResultSet rs = ps.executeQuery()) {
            rows.populate(rs);
        }
        return rows;
    }

    /** A trial from a row of {@link #TRIAL_COLUMNS} (its reported values are read separately). */
    static TrialRecord newTrial(ResultSet rs) throws SQLException {
        TrialRecord t = new TrialRecord(rs.getLong(1), rs.getInt(3), Json.config(Json.read(rs.getString(5))),
                TrialState.valueOf(rs.getString(4)), rs.getLong(12));
        fill(t, rs);
        return t;
    }

    /** Sets the mutable fields of {@code t} from a row of {@link #TRIAL_COLUMNS}. */
    static void fill(TrialRecord t, ResultSet rs) throws SQLException {
        t.state = TrialState.valueOf(rs.getString(4));
        t.values = Json.doubles(Json.read(rs.getString(6)));
        t.budget = rs.getDouble(7);
        t.attributes.clear();
        t.attributes.putAll(Json.strings(Json.read(rs.getString(8))));
        t.failReason = rs.getString(9);
        t.worker = rs.getString(10);
        t.leaseExpiresAt = rs.getLong(11);
        t.finishedAt = rs.getLong(13);
        t.attempts = rs.getInt(14);
        t.tellRequestId = rs.getString(15);
        t.constraints = Json.doubles(Json.read(rs.getString(16)));
        t.leaseLosses = rs.getInt(17);
        t.checkpoint = rs.getString(18);
        t.checkpointStep = rs.getDouble(19);
        t.parentTrialId = rs.getLong(20);
        t.parentStep = rs.getDouble(21);
        t.decisions.clear();
        t.decisions.addAll(Json.decisions(Json.read(rs.getString(22))));
    }

    /** Adds a row of (step, value, attempt, abandoned) to the trial's reported values. */
    static void addReport(TrialRecord t, ResultSet rs, int first) throws SQLException {
        if (rs.getInt(first + 3) != 0) {
            t.abandoned.add(new ReportRecord(rs.getDouble(first), rs.getDouble(first + 1), rs.getInt(first + 2), true));
        } else {
            t.intermediates.add(new IntermediateValue(rs.getDouble(first), rs.getDouble(first + 1)));
            t.intermediateAttempts.add(rs.getInt(first + 2));
        }
    }
}
