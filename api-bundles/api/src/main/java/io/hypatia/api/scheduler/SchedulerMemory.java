package io.hypatia.api.scheduler;

/**
 * A slot the engine keeps per study for its scheduler, so decisions can be made from state kept
 * incrementally (rungs, say) instead of scanning the whole history on every report. It is only
 * a cache: the engine empties it when the scheduler's service changes (a bundle swap), when a
 * scheduler call fails or times out, and on restart; the scheduler then rebuilds it from the
 * study's trials. See {@link SchedulerContext#memory}.
 */
public final class SchedulerMemory {
    private Object value;

    /** The value held, or null. */
    public synchronized Object get() {
        return value;
    }

    public synchronized void set(Object value) {
        this.value = value;
    }

    /** Drops the value; the next call rebuilds it. */
    public synchronized void clear() {
        value = null;
    }
}
