package io.hypatia.engine;

import io.hypatia.engine.store.Store;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** A trial's row, captured under the study lock and written (inserted or updated) later by the store. */
record TrialRow(long trialId, long studyId, int number, String state, String config, String values, String constraints,
                double budget, String attributes, String failReason, String worker, long leaseExpiresAt, long createdAt,
                long finishedAt, int attempts, String tellRequestId, int leaseLosses, String checkpoint,
                double checkpointStep, long parentTrialId, double parentStep, String decisions) implements Store.StatementWrite {
    private static final String UPSERT = """
            INSERT INTO trials (trial_id, study_id, number, state, config, trial_values, constraint_values, budget,
              attributes, fail_reason, worker, lease_expires_at, created_at, finished_at, attempts, tell_request_id,
              lease_losses, checkpoint, checkpoint_step, parent_trial_id, parent_step, decisions)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (trial_id) DO UPDATE SET state = excluded.state, trial_values = excluded.trial_values,
              constraint_values = excluded.constraint_values,
              budget = excluded.budget, attributes = excluded.attributes, fail_reason = excluded.fail_reason,
              worker = excluded.worker, lease_expires_at = excluded.lease_expires_at,
              finished_at = excluded.finished_at, attempts = excluded.attempts,
              tell_request_id = excluded.tell_request_id, lease_losses = excluded.lease_losses,
              checkpoint = excluded.checkpoint, checkpoint_step = excluded.checkpoint_step,
              parent_trial_id = excluded.parent_trial_id, parent_step = excluded.parent_step,
              decisions = excluded.decisions""";

    static TrialRow of(long studyId, TrialRecord t) {
        return new TrialRow(t.id, studyId, t.number, t.state.name(), Json.write(Json.config(t.config)),
                Json.write(Json.doubles(t.values)), Json.write(Json.doubles(t.constraints)), t.budget,
                Json.write(Json.strings(t.attributes)), t.failReason, t.worker, t.leaseExpiresAt, t.createdAt,
                t.finishedAt, t.attempts, t.tellRequestId, t.leaseLosses, t.checkpoint, t.checkpointStep,
                t.parentTrialId, t.parentStep, Json.write(Json.decisions(t.decisions)));
    }

    @Override
    public String sql() {
        return UPSERT;
    }

    @Override
    public String table() {
        return "trials"; // its trigger only stamps the row itself
    }

    @Override
    public void bind(PreparedStatement ps) throws SQLException {
        ps.setLong(1, trialId);
        ps.setLong(2, studyId);
        ps.setInt(3, number);
        ps.setString(4, state);
        ps.setString(5, config);
        ps.setString(6, values);
        ps.setString(7, constraints);
        ps.setDouble(8, budget);
        ps.setString(9, attributes);
        ps.setString(10, failReason);
        ps.setString(11, worker);
        ps.setLong(12, leaseExpiresAt);
        ps.setLong(13, createdAt);
        ps.setLong(14, finishedAt);
        ps.setInt(15, attempts);
        ps.setString(16, tellRequestId);
        ps.setInt(17, leaseLosses);
        ps.setString(18, checkpoint);
        ps.setDouble(19, checkpointStep);
        ps.setLong(20, parentTrialId);
        ps.setDouble(21, parentStep);
        ps.setString(22, decisions);
    }
}
