package io.hypatia.engine;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.MaxResourceRaise;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Objective;
import java.util.List;

/**
 * Everything a study is created with, and the raises of its max budget since.
 *
 * @param fidelity              the training resource new trials are asked to run to (null: none),
 *                              with its current max
 * @param leaseMillis           a RUNNING trial without heartbeat, report or tell for this long has lost its lease
 * @param onLeaseExpired        what then happens to it
 * @param maxAttempts           with REQUEUE, how many times a configuration is handed out before it is FAILED
 * @param samplerTimeoutMillis  a sampler call running longer falls back to random sampling
 * @param schedulerTimeoutMillis a scheduler call running longer answers CONTINUE
 * @param onMissingPlugin       what asks and reports do while the sampler or scheduler is not loaded
 * @param raises                every raise of the fidelity's max while the study ran (UpdateStudy),
 *                              oldest first; empty for a study as created
 */
public record StudySpec(String name, SearchSpace space, List<Objective> objectives, PluginRef sampler,
                        PluginRef scheduler, Fidelity fidelity, long leaseMillis, LeasePolicy onLeaseExpired,
                        int maxAttempts, long samplerTimeoutMillis, long schedulerTimeoutMillis,
                        MissingPluginPolicy onMissingPlugin, List<MaxResourceRaise> raises) {

    public static final long DEFAULT_LEASE_MILLIS = 300_000;
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final long DEFAULT_SAMPLER_TIMEOUT_MILLIS = 30_000;
    public static final long DEFAULT_SCHEDULER_TIMEOUT_MILLIS = 5_000;

    public StudySpec {
        objectives = List.copyOf(objectives);
        onMissingPlugin = onMissingPlugin == null ? MissingPluginPolicy.FALLBACK : onMissingPlugin;
        raises = raises == null ? List.of() : List.copyOf(raises);
    }

    /** A spec as a study is created with (no raises), falling back while its plugins are missing. */
    public StudySpec(String name, SearchSpace space, List<Objective> objectives, PluginRef sampler,
                     PluginRef scheduler, Fidelity fidelity, long leaseMillis, LeasePolicy onLeaseExpired,
                     int maxAttempts, long samplerTimeoutMillis, long schedulerTimeoutMillis) {
        this(name, space, objectives, sampler, scheduler, fidelity, leaseMillis, onLeaseExpired, maxAttempts,
                samplerTimeoutMillis, schedulerTimeoutMillis, MissingPluginPolicy.FALLBACK, List.of());
    }

    /** A spec as a study is created with (no raises). */
    public StudySpec(String name, SearchSpace space, List<Objective> objectives, PluginRef sampler,
                     PluginRef scheduler, Fidelity fidelity, long leaseMillis, LeasePolicy onLeaseExpired,
                     int maxAttempts, long samplerTimeoutMillis, long schedulerTimeoutMillis, MissingPluginPolicy onMissingPlugin) {
        this(name, space, objectives, sampler, scheduler, fidelity, leaseMillis, onLeaseExpired, maxAttempts,
                samplerTimeoutMillis, schedulerTimeoutMillis, onMissingPlugin, List.of());
    }

    /** A spec with its raises, falling back while its plugins are missing. */
    public StudySpec(String name, SearchSpace space, List<Objective> objectives, PluginRef sampler,
                     PluginRef scheduler, Fidelity fidelity, long leaseMillis, LeasePolicy onLeaseExpired,
                     int maxAttempts, long samplerTimeoutMillis, long schedulerTimeoutMillis, List<MaxResourceRaise> raises) {
        this(name, space, objectives, sampler, scheduler, fidelity, leaseMillis, onLeaseExpired, maxAttempts,
                samplerTimeoutMillis, schedulerTimeoutMillis, MissingPluginPolicy.FALLBACK, raises);
    }

    /** This spec with the fidelity's max raised to {@code raise.max()} and the raise recorded. */
    public StudySpec withRaise(MaxResourceRaise raise) {
        List<MaxResourceRaise> all = new java.util.ArrayList<>(raises);
        all.add(raise);
        return new StudySpec(name, space, objectives, sampler, scheduler, new Fidelity(fidelity.name(), fidelity.min(), raise.max()),
                leaseMillis, onLeaseExpired, maxAttempts, samplerTimeoutMillis, schedulerTimeoutMillis, onMissingPlugin, all);
    }

    /** A spec with the defaults for everything but the essentials. */
    public static StudySpec of(String name, SearchSpace space, List<Objective> objectives, PluginRef sampler) {
        return new StudySpec(name, space, objectives, sampler, PluginRef.of("none"), null, DEFAULT_LEASE_MILLIS,
                LeasePolicy.REQUEUE, DEFAULT_MAX_ATTEMPTS, DEFAULT_SAMPLER_TIMEOUT_MILLIS, DEFAULT_SCHEDULER_TIMEOUT_MILLIS);
    }

    public StudySpec withScheduler(PluginRef newScheduler) {
        return new StudySpec(name, space, objectives, sampler, newScheduler, fidelity, leaseMillis, onLeaseExpired,
                maxAttempts, samplerTimeoutMillis, schedulerTimeoutMillis, onMissingPlugin, raises);
    }

    public StudySpec withOnMissingPlugin(MissingPluginPolicy policy) {
        return new StudySpec(name, space, objectives, sampler, scheduler, fidelity, leaseMillis, onLeaseExpired,
                maxAttempts, samplerTimeoutMillis, schedulerTimeoutMillis, policy, raises);
    }

    public StudySpec withLease(long newLeaseMillis, LeasePolicy policy, int attempts) {
        return new StudySpec(name, space, objectives, sampler, scheduler, fidelity, newLeaseMillis, policy,
                attempts, samplerTimeoutMillis, schedulerTimeoutMillis, onMissingPlugin, raises);
    }
}
