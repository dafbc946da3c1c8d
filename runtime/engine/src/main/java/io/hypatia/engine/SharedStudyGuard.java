package io.hypatia.engine;

import io.hypatia.engine.store.PostgresStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The guard for a store several gateways share: each call is one database transaction holding
 * the study's advisory lock. Before the body runs, the trials changed since the version this
 * gateway last saw are re-read (only those: the trials' change sequence), so the body decides on
 * the study as every gateway committed it; its writes are committed before the call returns.
 * The study's monitor is held too, so calls of one gateway queue in the JVM, not on the database.
 */
final class SharedStudyGuard implements StudyGuard {
    private static final Logger LOG = Logger.getLogger(SharedStudyGuard.class.getName());

    private final PostgresStore store;
    private final ThreadLocal<StudyState> open = new ThreadLocal<>();
    private Studies studies;

    SharedStudyGuard(PostgresStore store) {
        this.store = store;
    }

    /** The registry told of trials read from the database and of studies found deleted. */
    void attach(Studies registry) {
        this.studies = registry;
    }

    @Override
    public <T> T call(StudyState s, Supplier<T> body) {
        synchronized (s) {
            StudyState held = open.get();
            if (held == s) {
                return body.get();
            }
            if (held != null) {
                throw new IllegalStateException("study " + s.spec.name() + " guarded inside study " + held.spec.name());
            }
            TrialLifecycle.requireLive(s);
            s.touch();
            if (!s.isLoaded()) {
                s.loaded(List.of()); // dropped for being idle: its version is -1, so the refresh below reads it all
            }
            open.set(s);
            try {
                return store.inStudy(s.id, (c, version) -> {
                    if (version < 0) {
                        studies.forget(s); // deleted through another gateway
                        throw EngineException.notFound("study", "study '" + s.spec.name() + "' was deleted");
                    }
                    if (version != s.version) {
                        refresh(s, c);
                    }
                    return body.get();
                }, version -> s.version = version);
            } catch (EngineException e) {
                throw e; // refused by the engine's checks, which come before any change
            } catch (SQLException | RuntimeException e) {
                // The cache may hold changes the database rolled back: read the study afresh next time.
                s.reset();
                LOG.log(Level.WARNING, "study " + s.spec.name() + ": store transaction failed", e);
                throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not save the change: " + e);
            } finally {
                open.remove();
            }
        }
    }

    /** Takes the spec another gateway changed (UpdateStudy raised the max budget): the scheduler then rebuilds its rungs. */
    private static void refreshSpec(StudyState s, Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT spec FROM studies WHERE study_id = ?")) {
            ps.setLong(1, s.id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    StudySpec stored = Json.spec(Json.read(rs.getString(1)));
                    if (!stored.raises().equals(s.spec.raises())) {
                        s.spec = stored;
                        s.schedulerMemory.clear();
                    }
                }
            }
        }
    }

    /** Re-reads the trials of {@code s} changed after the version it holds, and their reported values. */
    private void refresh(StudyState s, Connection c) throws SQLException {
        refreshSpec(s, c);
        Map<Long, TrialRecord> changed = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + StoreLoader.TRIAL_COLUMNS
                + " FROM trials WHERE study_id = ? AND change_seq > ? ORDER BY number")) {
            ps.setLong(1, s.id);
            ps.setLong(2, s.version);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TrialRecord t = s.byId.get(rs.getLong(1));
                    if (t == null) {
                        t = StoreLoader.newTrial(rs);
                        if (t.number != s.trials.size()) {
                            throw new SQLException("study " + s.spec.name() + ": trial number " + t.number + " read where "
                                    + s.trials.size() + " was expected");
                        }
                        s.add(t);
                    } else {
                        StoreLoader.fill(t, rs);
                    }
                    t.intermediates.clear();
                    t.intermediateAttempts.clear();
                    t.abandoned.clear();
                    changed.put(t.id, t);
                }
            }
        }
        if (changed.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT trial_id, step, value, attempt, abandoned FROM intermediate_values "
                + "WHERE trial_id IN (SELECT trial_id FROM trials WHERE study_id = ? AND change_seq > ?) ORDER BY trial_id, seq")) {
            ps.setLong(1, s.id);
            ps.setLong(2, s.version);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TrialRecord t = changed.get(rs.getLong(1));
                    if (t != null) {
                        StoreLoader.addReport(t, rs, 2);
                    }
                }
            }
        }
        changed.values().forEach(TrialRecord::changed);
        // The scheduler's incremental state did not see what other gateways did: it rebuilds from the history.
        s.schedulerMemory.clear();
        AskRequests.learn(s, changed.values());
    }
}
