package io.hypatia.client;

import io.hypatia.grpc.v1.Direction;
import io.hypatia.grpc.v1.Objective;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a study is created: objectives, sampler, scheduler, fidelity, lease. Chainable. */
public final class StudyOptions {
    /** The training resource trials run to. */
    public record FidelityRange(String name, double min, double max) {
    }

    private final List<Objective> objectives = new ArrayList<>();
    private String sampler = "random";
    private final Map<String, String> samplerConfig = new LinkedHashMap<>();
    private String scheduler = "none";
    private final Map<String, String> schedulerConfig = new LinkedHashMap<>();
    private FidelityRange fidelity;
    private long leaseSeconds;
    private boolean loadIfExists;

    public static StudyOptions minimize(String objective) {
        return new StudyOptions().objective(objective, false);
    }

    public static StudyOptions maximize(String objective) {
        return new StudyOptions().objective(objective, true);
    }

    /** Adds another objective (several objectives: the best trials are the Pareto set). */
    public StudyOptions objective(String name, boolean maximize) {
        objectives.add(Objective.newBuilder().setName(name).setDirection(maximize ? Direction.MAXIMIZE : Direction.MINIMIZE).build());
        return this;
    }

    public StudyOptions sampler(String name, Map<String, ?> config) {
        this.sampler = name;
        config.forEach((k, v) -> samplerConfig.put(k, String.valueOf(v)));
        return this;
    }

    public StudyOptions sampler(String name) {
        return sampler(name, Map.of());
    }

    public StudyOptions scheduler(String name, Map<String, ?> config) {
        this.scheduler = name;
        config.forEach((k, v) -> schedulerConfig.put(k, String.valueOf(v)));
        return this;
    }

    public StudyOptions scheduler(String name) {
        return scheduler(name, Map.of());
    }

    public StudyOptions fidelity(String name, double min, double max) {
        this.fidelity = new FidelityRange(name, min, max);
        return this;
    }

    /** Lease length; a trial with no heartbeat, report or tell for this long is requeued or failed. */
    public StudyOptions leaseSeconds(long seconds) {
        this.leaseSeconds = seconds;
        return this;
    }

    /** Join the existing study of that name instead of failing with ALREADY_EXISTS. */
    public StudyOptions loadIfExists() {
        this.loadIfExists = true;
        return this;
    }

    List<Objective> objectives() {
        return objectives.isEmpty() ? List.of(Objective.newBuilder().setName("value").setDirection(Direction.MINIMIZE).build())
                : objectives;
    }

    String sampler() {
        return sampler;
    }

    Map<String, String> samplerConfig() {
        return samplerConfig;
    }

    String scheduler() {
        return scheduler;
    }

    Map<String, String> schedulerConfig() {
        return schedulerConfig;
    }

    FidelityRange fidelity() {
        return fidelity;
    }

    long leaseSeconds() {
        return leaseSeconds;
    }

    boolean loadIfExistsSet() {
        return loadIfExists;
    }
}
