package io.hypatia.engine;

import io.hypatia.api.study.TrialState;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A study known to the engine: its spec, always in memory, and its trials, in memory only while
 * the study is in use ({@link #trials()} loads them on first use; {@link Studies} drops them when
 * the study has been idle). Every access holds the object's lock.
 */
final class StudyState {
    /** Reads a study's trials from the store. */
    interface Loader {
        StudyTrials load(StudyState study);
    }

    final long id;
    final StudySpec spec;
    final long createdAt;
    final long seed;
    final AtomicLong pluginFallbacks = new AtomicLong();
    /** Serialises trial creation (ask, enqueue) without blocking tells while a sampler runs. */
    final Object askLock = new Object();
    boolean deleted;
    private final Loader loader;
    /** RUNNING trials over all studies of this study's tenant, kept as trials start and stop running. */
    private final AtomicInteger tenantRunning;
    /** The trials, or null while they are only in the store. */
    private StudyTrials trials;
    /** Trials per state while the trials are not in memory (in memory, the history counts them). */
    private Map<TrialState, Integer> countsWhileUnloaded;
    /** When the trials were last used (epoch millis); idle eviction compares it with its limit. */
    private volatile long lastUsed = System.currentTimeMillis();

    /** A new study: no trials yet, nothing to load. */
    StudyState(long id, StudySpec spec, long createdAt, Loader loader, AtomicInteger tenantRunning) {
        this.id = id;
        this.spec = spec;
        this.createdAt = createdAt;
        this.loader = loader;
        this.tenantRunning = tenantRunning;
        this.trials = new StudyTrials(spec.objectives());
        trials.history.watchRunning(tenantRunning::addAndGet);
        String seedText = spec.sampler().config().get("seed");
        this.seed = seedText != null ? Long.parseLong(seedText.trim()) : spec.name().hashCode();
    }

    /** A study whose trials are in the store, with how many are in each state. */
    static StudyState stored(long id, StudySpec spec, long createdAt, Loader loader, AtomicInteger tenantRunning,
                             Map<TrialState, Integer> counts) {
        StudyState s = new StudyState(id, spec, createdAt, loader, tenantRunning);
        s.unload(counts);
        tenantRunning.addAndGet(counts.getOrDefault(TrialState.RUNNING, 0));
        return s;
    }

    /** The trials, loaded from the store if they are not in memory; hold the lock. */
    StudyTrials trials() {
        lastUsed = System.currentTimeMillis();
        if (trials == null) {
            trials = loader.load(this);
            // Its RUNNING trials are counted already: from the store's counts at start-up, or none
            // (a study is only dropped from memory without any).
            trials.history.watchRunning(tenantRunning::addAndGet);
            countsWhileUnloaded = null;
        }
        return trials;
    }

    boolean isLoaded() {
        return trials != null;
    }

    long lastUsed() {
        return lastUsed;
    }

    /** How many trials are in each state (a copy), without loading them. */
    Map<TrialState, Integer> counts() {
        return trials != null ? trials.history.counts() : new EnumMap<>(countsWhileUnloaded);
    }

    int count(TrialState state) {
        return trials != null ? trials.history.count(state) : countsWhileUnloaded.getOrDefault(state, 0);
    }

    /** Takes the study's RUNNING trials off its tenant's count; on delete, hold the lock. */
    void forgetRunning() {
        tenantRunning.addAndGet(-count(TrialState.RUNNING));
        if (trials != null) {
            trials.history.watchRunning(delta -> { });
        }
    }

    /** Drops the trials from memory (they are all in the store); hold the ask lock and the lock. */
    void unload() {
        unload(trials.history.counts());
    }

    private void unload(Map<TrialState, Integer> counts) {
        EnumMap<TrialState, Integer> all = new EnumMap<>(TrialState.class);
        for (TrialState state : TrialState.values()) {
            all.put(state, counts.getOrDefault(state, 0));
        }
        countsWhileUnloaded = all;
        trials = null;
    }
}
