package io.hypatia.engine;

import io.hypatia.engine.store.PostgresStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The guard for a store several gateways share: calls run in a database transaction holding the
 * study's advisory lock. When the transaction opens, the trials changed since the version this
 * gateway last saw are re-read (only those: the trials' change sequence), so the calls decide on
 * the study as every gateway committed it.
 *
 * <p>Calls of one study that arrive while a transaction is open join it (group commit): each runs
 * under the study's monitor, one after another, and the last one in line (no other call waiting)
 * commits the transaction with all their writes, sent in batches. A call returns when its body
 * has run; what it changed is awaited through the futures {@code store.submit} gave it, as with
 * the embedded store's writer. Concurrent calls of a study thus share the lock, the version bump
 * and the commit round trips instead of each paying them.
 */
final class SharedStudyGuard implements StudyGuard {
    private static final Logger LOG = Logger.getLogger(SharedStudyGuard.class.getName());
    /** Calls at most in one transaction, so its first callers' changes are not held back for long... */
    static final int MAX_GROUP = 128;
    /**
     * ... nor other gateways kept from the study: a transaction open this long commits after the
     * call running in it, or, when none runs (e.g. the calls it waits for are sampling), then.
     */
    static final long MAX_GROUP_NANOS = 10_000_000L;
    /** Commits transactions left open past {@link #MAX_GROUP_NANOS} while no call runs in them. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hypatia-study-tx-timer");
        t.setDaemon(true);
        return t;
    });

    private final PostgresStore store;
    private final ThreadLocal<StudyState> open = new ThreadLocal<>();
    private Studies studies;

    SharedStudyGuard(PostgresStore store) {
        this.store = store;
    }

    /** The guard's state of one study: the calls on their way in, and the transaction they join. */
    static final class Group {
        /** Calls between arriving and the end of their body; the one that takes it to 0 commits. */
        final AtomicInteger arrivals = new AtomicInteger();
        /** The open transaction (guarded by the study's monitor), or null. */
        PostgresStore.StudyTx tx;
        /** Calls run in it so far. */
        int calls;
        /** When it was opened (System.nanoTime). */
        long openedAt;
        /** Commits it should it stay open too long with no call running. */
        ScheduledFuture<?> timer;
    }

    /** The registry told of trials read from the database and of studies found deleted. */
    void attach(Studies registry) {
        this.studies = registry;
    }

    @Override
    public <T> T call(StudyState s, Supplier<T> body) {
        StudyState held = open.get();
        if (held == s) {
            return body.get();
        }
        if (held != null) {
            throw new IllegalStateException("study " + s.spec.name() + " guarded inside study " + held.spec.name());
        }
        Group g = s.group;
        g.arrivals.incrementAndGet();
        synchronized (s) {
            try {
                TrialLifecycle.requireLive(s);
                s.touch();
                if (g.tx != null && (s.version < 0 || !s.isLoaded())) {
                    commit(s, g); // the cache was dropped (idle) meanwhile: start afresh on the committed study
                }
                if (g.tx == null) {
                    begin(s, g);
                }
                return run(s, g, body);
            } finally {
                int waiting = g.arrivals.decrementAndGet();
                if (g.tx != null && (waiting == 0 || g.calls >= MAX_GROUP || System.nanoTime() - g.openedAt >= MAX_GROUP_NANOS)) {
                    commit(s, g);
                }
            }
        }
    }

    @Override
    public void coming(StudyState s) {
        s.group.arrivals.incrementAndGet();
    }

    @Override
    public void arrived(StudyState s) {
        Group g = s.group;
        if (g.arrivals.decrementAndGet() == 0) {
            synchronized (s) {
                // Every call that takes the count to 0 looks here, so no transaction stays open without a call to end it.
                if (g.tx != null && g.arrivals.get() == 0) {
                    commit(s, g);
                }
            }
        }
    }

    /** Opens the study's transaction and brings the cache up to the committed study; hold the monitor. */
    private void begin(StudyState s, Group g) {
        if (!s.isLoaded()) {
            s.loaded(List.of()); // dropped for being idle: its version is -1, so the refresh below reads it all
        }
        PostgresStore.StudyTx tx;
        try {
            tx = store.beginStudy(s.id);
        } catch (SQLException | RuntimeException e) {
            throw unavailable(s, e);
        }
        if (tx.version() < 0) {
            tx.rollback(new IllegalStateException("study deleted"));
            studies.forget(s); // deleted through another gateway
            throw EngineException.notFound("study", "study '" + s.spec.name() + "' was deleted");
        }
        try {
            if (tx.version() != s.version) {
                refresh(s, tx.connection());
                s.version = tx.version();
            }
        } catch (SQLException | RuntimeException e) {
            tx.rollback(e);
            throw unavailable(s, e);
        }
        g.tx = tx;
        g.calls = 0;
        g.openedAt = System.nanoTime();
        g.timer = TIMER.schedule(() -> {
            synchronized (s) {
                if (g.tx == tx) {
                    commit(s, g);
                }
            }
        }, MAX_GROUP_NANOS, TimeUnit.NANOSECONDS);
    }

    /** Runs one call's body in the open transaction; a refused call's writes are taken back. */
    private <T> T run(StudyState s, Group g, Supplier<T> body) {
        PostgresStore.StudyTx tx = g.tx;
        int mark = tx.mark();
        g.calls++;
        open.set(s);
        tx.enter();
        try {
            return body.get();
        } catch (EngineException e) {
            tx.discardFrom(mark, e); // refused by the engine's checks, which come before any change
            throw e;
        } catch (RuntimeException | Error e) {
            // The cache may hold changes of this call that will never be written: the earlier calls'
            // writes are committed, then the study is read afresh.
            tx.discardFrom(mark, e);
            commit(s, g);
            s.reset();
            LOG.log(Level.WARNING, "study " + s.spec.name() + ": a guarded call failed", e);
            if (e instanceof Error error) {
                throw error;
            }
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not save the change: " + e);
        } finally {
            tx.exit();
            open.remove();
        }
    }

    /** Commits the open transaction (or rolls it back when nothing was written); hold the monitor. Never throws. */
    private void commit(StudyState s, Group g) {
        PostgresStore.StudyTx tx = g.tx;
        g.tx = null;
        g.timer.cancel(false);
        try {
            long version = tx.commit();
            if (s.version >= 0) { // else the cache was dropped meanwhile and is read afresh
                s.version = version;
            }
        } catch (SQLException | RuntimeException e) {
            // The writes' futures fail with the cause; the cache holds changes the database rolled back.
            s.reset();
            LOG.log(Level.WARNING, "study " + s.spec.name() + ": store transaction failed", e);
        }
    }

    private EngineException unavailable(StudyState s, Exception e) {
        s.reset(); // the cache may be half refreshed: read the study afresh next time
        LOG.log(Level.WARNING, "study " + s.spec.name() + ": store transaction failed", e);
        return new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not save the change: " + e);
    }

    /**
     * Re-reads, in one round trip, the study's spec (another gateway may have raised the max budget:
     * the scheduler then rebuilds its rungs), its trials changed after the version it holds, and
     * their reported values.
     */
    private void refresh(StudyState s, Connection c) throws SQLException {
        String changedTrials = "FROM trials WHERE study_id = " + s.id + " AND change_seq > " + s.version;
        try (Statement st = c.createStatement()) {
            st.execute("SELECT spec FROM studies WHERE study_id = " + s.id
                    + "; SELECT " + StoreLoader.TRIAL_COLUMNS + " " + changedTrials + " ORDER BY number"
                    + "; SELECT trial_id, step, value, attempt, abandoned FROM intermediate_values"
                    + " WHERE trial_id IN (SELECT trial_id " + changedTrials + ") ORDER BY trial_id, seq");
            try (ResultSet rs = st.getResultSet()) {
                if (rs.next()) {
                    StudySpec stored = Json.spec(Json.read(rs.getString(1)));
                    if (!stored.raises().equals(s.spec.raises())) {
                        s.spec = stored;
                        s.schedulerMemory.clear();
                    }
                }
            }
            Map<Long, TrialRecord> changed = new HashMap<>();
            next(st);
            try (ResultSet rs = st.getResultSet()) {
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
            next(st);
            try (ResultSet rs = st.getResultSet()) {
                while (rs.next()) {
                    TrialRecord t = changed.get(rs.getLong(1));
                    if (t != null) {
                        StoreLoader.addReport(t, rs, 2);
                    }
                }
            }
            if (changed.isEmpty()) {
                return;
            }
            changed.values().forEach(TrialRecord::changed);
            // The scheduler's incremental state did not see what other gateways did: it rebuilds from the history.
            s.schedulerMemory.clear();
            AskRequests.learn(s, changed.values());
        }
    }

    private static void next(Statement st) throws SQLException {
        if (!st.getMoreResults()) {
            throw new SQLException("the refresh query answered fewer results than it asked for");
        }
    }
}
