package io.hypatia.engine.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs at most one record per key per interval and says how many were suppressed since, so a
 * client sending garbage in a loop (or a plugin failing on every call) cannot fill the disk with
 * identical stack traces.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final long intervalMillis;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        volatile long nextAt;
        final AtomicLong suppressed = new AtomicLong();
    }

    public RateLimitedLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalMillis = intervalMillis;
    }

    /** Logs {@code message} (with {@code thrown}'s stack trace when not null) unless {@code key} was logged within the interval. */
    public void log(Level level, String key, String message, Throwable thrown) {
        Window w = windows.computeIfAbsent(key, k -> new Window());
        long now = System.currentTimeMillis();
        boolean due;
        synchronized (w) {
            due = now >= w.nextAt;
            if (due) {
                w.nextAt = now + intervalMillis;
            }
        }
        if (!due) {
            w.suppressed.incrementAndGet();
            return;
        }
        long skipped = w.suppressed.getAndSet(0);
        String text = skipped == 0 ? message : message + " (" + skipped + " similar messages suppressed in the last "
                + intervalMillis / 1000 + " s)";
        log.log(level, text, thrown);
    }
}
