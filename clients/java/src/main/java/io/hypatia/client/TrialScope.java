package io.hypatia.client;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A trial for a try-with-resources block: heartbeats in the background while it is open, and
 * on close tells the trial FAILED if it was neither told nor stopped/paused by the scheduler
 * (an exception, an early return), instead of leaving it RUNNING until its lease expires.
 */
public final class TrialScope extends Trial implements AutoCloseable {
    private final ScheduledExecutorService beats;

    TrialScope(Trial asked, Duration heartbeatPeriod) {
        super(asked);
        beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hypatia-heartbeat-" + asked.number());
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(200, heartbeatPeriod.toMillis());
        beats.scheduleWithFixedDelay(() -> {
            try {
                heartbeat();
            } catch (HypatiaException e) {
                // the next beat, report or tell says what happened
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        beats.shutdownNow();
        if (!finished()) {
            try {
                tellFailed("the trial scope was closed unfinished (an exception or an early exit)");
            } catch (HypatiaException e) {
                // already finished meanwhile (lease expired), or the service is gone
            }
        }
    }
}
