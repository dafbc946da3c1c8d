package io.hypatia.engine;

import io.hypatia.engine.store.PostgresStore;
import io.hypatia.engine.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out study and trial ids: from counters in this process with the embedded store (raised past
 * every id stored, and past those of deleted studies and trials, at start-up), from the database's
 * sequences with a shared store.
 */
final class StudyIds {
    /** The shared store, or null when the embedded one (owned by this process) is used. */
    private final PostgresStore shared;
    private final AtomicLong nextStudyId = new AtomicLong(1);
    private final AtomicLong nextTrialId = new AtomicLong(1);

    StudyIds(PostgresStore shared) {
        this.shared = shared;
    }

    long nextStudyId() {
        return shared == null ? nextStudyId.getAndIncrement() : sharedId(shared::nextStudyId);
    }

    long nextTrialId() {
        return shared == null ? nextTrialId.getAndIncrement() : sharedId(shared::nextTrialId);
    }

    /** The largest trial id handed out by this process so far (embedded store). */
    long lastTrialId() {
        return nextTrialId.get() - 1;
    }

    /** Notes a study id read from the embedded store at start-up: it is not handed out again. */
    void studyUsed(long studyId) {
        nextStudyId.set(Math.max(nextStudyId.get(), studyId + 1));
    }

    /** Notes the largest trial id read from the embedded store at start-up: none up to it is handed out again. */
    void trialsUsedUpTo(long trialId) {
        nextTrialId.set(Math.max(nextTrialId.get(), trialId + 1));
    }

    /** Notes the ids of deleted studies and trials (the id_high_water table), so they are not handed out again. */
    void readHighWater(Store store) throws SQLException {
        store.read("SELECT kind, last_id FROM id_high_water", rs -> {
            while (rs.next()) {
                AtomicLong next = "study".equals(rs.getString(1)) ? nextStudyId : nextTrialId;
                next.set(Math.max(next.get(), rs.getLong(2) + 1));
            }
            return null;
        });
    }

    /** Records that ids up to {@code lastId} of {@code kind} were used (see the id_high_water table). */
    static void raiseHighWater(Connection c, String kind, long lastId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO id_high_water (kind, last_id) VALUES (?, ?) "
                + "ON CONFLICT (kind) DO UPDATE SET last_id = excluded.last_id WHERE excluded.last_id > id_high_water.last_id")) {
            ps.setString(1, kind);
            ps.setLong(2, lastId);
            ps.executeUpdate();
        }
    }

    private static long sharedId(SqlId source) {
        try {
            return source.next();
        } catch (SQLException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not hand out an id: " + e);
        }
    }

    @FunctionalInterface
    private interface SqlId {
        long next() throws SQLException;
    }
}
