package io.hypatia.engine;

import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.TrialState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Expires the leases of RUNNING trials whose worker went quiet (no heartbeat, report or tell for
 * the study's lease length): the trial is requeued or failed, as the study's policy says.
 */
final class Leases implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Leases.class.getName());

    private final Studies studies;
    private final TrialLifecycle lifecycle;
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(PluginCalls.daemon("hypatia-lease-reaper"));

    Leases(Studies studies, TrialLifecycle lifecycle) {
        this.studies = studies;
        this.lifecycle = lifecycle;
    }

    void start() {
        reaper.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS);
    }

    private void expire() {
        try {
            long now = System.currentTimeMillis();
            expireAt(now);
            studies.evictIdle(now);
        } catch (RuntimeException e) {
            // an exception would end the reaper's schedule; the next round retries
            LOG.warning("lease expiry failed: " + e);
        }
    }

    /** Expires every lease that ends at or before {@code now} (epoch millis). */
    void expireAt(long now) {
        if (studies.shared() != null) {
            expireShared(now);
            return;
        }
        studies.forEach(s -> {
            synchronized (s) {
                if (s.deleted || s.count(TrialState.RUNNING) == 0) {
                    return; // nothing to expire, and a study not in memory is not read for nothing
                }
            }
            studies.guard().run(s, () -> expireIn(s, now)); // reads a study RUNNING at start-up
        });
    }

    private void expireIn(StudyState s, long now) {
        for (TrialRecord t : s.history.running()) {
            if (t.leaseExpiresAt != 0 && t.leaseExpiresAt <= now) {
                expire(s, t, now);
            }
        }
    }

    /**
     * With a shared store the database says which studies have expired leases (also those no
     * gateway holds in memory, e.g. after the gateway that served them died); each is then
     * checked again under its lock, on fresh data, so two gateways never expire one lease twice.
     */
    private void expireShared(long now) {
        List<String> names;
        try {
            names = studies.shared().withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT s.name FROM trials t JOIN studies s "
                        + "ON s.study_id = t.study_id WHERE t.state = 'RUNNING' AND t.lease_expires_at > 0 AND t.lease_expires_at <= ?")) {
                    ps.setLong(1, now);
                    List<String> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            LOG.warning("lease expiry: the store could not be read: " + e);
            return;
        }
        for (String name : names) {
            try {
                StudyState s = studies.require(name);
                studies.guard().run(s, () -> expireIn(s, now));
            } catch (EngineException e) {
                LOG.fine("lease expiry in study " + name + ": " + e.getMessage());
            }
        }
    }

    private void expire(StudyState s, TrialRecord t, long now) {
        t.leaseLosses++;
        TrainingTime.stopped(t); // the lost worker's time since its last report is not counted
        String why = "lease expired: no heartbeat, report or tell from worker '" + t.worker + "' for "
                + s.spec.leaseMillis() / 1000.0 + " s (attempt " + t.attempts + "; worker lost " + t.leaseLosses
                + " of at most " + s.spec.maxAttempts() + " times)";
        IntermediateValue last = t.lastIntermediate();
        t.decisions.add(new DecisionRecord(last == null ? 0 : last.step(), "LEASE_EXPIRED", -1, why, t.attempts, now));
        if (s.spec.onLeaseExpired() == LeasePolicy.REQUEUE && t.leaseLosses < s.spec.maxAttempts()) {
            t.state = TrialState.WAITING;
            t.attributes.put("requeued_because", why);
            LOG.info("study " + s.spec.name() + ": trial " + t.id + " requeued; " + why);
        } else {
            t.state = TrialState.FAILED;
            t.failReason = why;
            t.finishedAt = now;
            LOG.info("study " + s.spec.name() + ": trial " + t.id + " failed; " + why);
        }
        t.leaseExpiresAt = 0;
        t.changed();
        lifecycle.save(s, t);
    }

    @Override
    public void close() {
        reaper.shutdownNow();
    }
}
