package io.hypatia.engine;

import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.store.Store;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** Rebuilds the engine's in-memory studies from the store at start-up. */
final class StoreLoader {
    interface StudyFactory {
        StudyState create(long id, StudySpec spec, long createdAt);
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

    void load(StudyFactory studies, BiConsumer<StudyState, TrialRecord> trials) throws SQLException {
        Map<Long, StudyState> byId = new HashMap<>();
        store.read("SELECT study_id, spec, created_at FROM studies ORDER BY study_id", rs -> {
            while (rs.next()) {
                long id = rs.getLong(1);
                byId.put(id, studies.create(id, Json.spec(Json.read(rs.getString(2))), rs.getLong(3)));
            }
            return null;
        });
        Map<Long, TrialRecord> trialById = new HashMap<>();
        store.read("SELECT " + TRIAL_COLUMNS + " FROM trials ORDER BY study_id, number", rs -> {
            while (rs.next()) {
                StudyState s = byId.get(rs.getLong(2));
                if (s == null) {
                    continue;
                }
                TrialRecord t = newTrial(rs);
                trialById.put(t.id, t);
                trials.accept(s, t);
            }
            return null;
        });
        store.read("SELECT trial_id, step, value, attempt, abandoned FROM intermediate_values ORDER BY trial_id, seq", rs -> {
            while (rs.next()) {
                TrialRecord t = trialById.get(rs.getLong(1));
                if (t == null) {
                    continue;
                }
                addReport(t, rs, 2);
                t.changed();
            }
            return null;
        });
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
