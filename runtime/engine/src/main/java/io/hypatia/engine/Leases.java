package io.hypatia.engine;

import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.TrialState;
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
        long now = System.currentTimeMillis();
        expireAt(now);
        studies.evictIdle(now);
    }

    /** Expires every lease that ends at or before {@code now} (epoch millis). */
    void expireAt(long now) {
        studies.forEach(s -> {
            synchronized (s) {
                if (s.deleted || s.count(TrialState.RUNNING) == 0) {
                    return; // also true of every study whose trials are not in memory, bar those RUNNING at start-up
                }
                for (TrialRecord t : s.trials().history.running()) {
                    if (t.leaseExpiresAt != 0 && t.leaseExpiresAt <= now) {
                        expire(s, t, now);
                    }
                }
            }
        });
    }

    private void expire(StudyState s, TrialRecord t, long now) {
        t.leaseLosses++;
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
