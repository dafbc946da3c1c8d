package io.hypatia.scheduler.support;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Clone;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Promotion;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.SchedulerMemory;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * A study in memory that drives a scheduler the way the engine does (ask order queued ->
 * promote -> exploit -> new trial at initialBudget; PAUSE/STOP on reports; a promoted trial
 * resumes from its checkpoint; a clone starts from its parent's checkpoint). With
 * {@link #forgetful} the scheduler memory is emptied before every call, so every decision comes
 * from a rebuild: tests compare that with the incremental path.
 */
public final class StudySim {
    /** A trial as the simulated engine holds it. */
    public static final class T {
        public final long id;
        public final int number;
        public TrialState state = TrialState.RUNNING;
        public Config config;
        public final List<IntermediateValue> intermediates = new ArrayList<>();
        public double budget;
        public int attempt = 1;
        public double checkpointStep = -1;
        public long parent;
        public List<Double> values = List.of();

        T(long id, int number, Config config, double budget) {
            this.id = id;
            this.number = number;
            this.config = config;
            this.budget = budget;
        }

        Trial snapshot() {
            return new Trial(id, number, state, config, values, intermediates, budget, Map.of(), List.of(), attempt,
                    checkpointStep, parent);
        }

        /** The step a worker starts after (the checkpoint it resumes from), 0 for a fresh start. */
        public double startStep() {
            return Math.max(0, checkpointStep);
        }
    }

    /** What an ask handed out. */
    public enum Kind { NEW, PROMOTED, CLONED }

    public record HandOut(T trial, Kind kind) {
    }

    private final Scheduler scheduler;
    private final List<Objective> objectives;
    private final Map<String, String> config;
    private final SearchSpace space;
    private final Fidelity fidelity;
    private final long seed;
    private final SchedulerMemory memory = new SchedulerMemory();
    public final List<T> trials = new ArrayList<>();
    public final List<String> log = new ArrayList<>();
    private boolean forgetful;

    public StudySim(Scheduler scheduler, Direction direction, Map<String, String> config, SearchSpace space,
                    Fidelity fidelity, long seed) {
        this.scheduler = scheduler;
        this.objectives = List.of(new Objective("loss", direction));
        this.config = config;
        this.space = space;
        this.fidelity = fidelity;
        this.seed = seed;
    }

    /** Empty the scheduler memory before every call (every decision then comes from a rebuild). */
    public StudySim forgetful() {
        forgetful = true;
        return this;
    }

    public SchedulerContext context() {
        if (forgetful) {
            memory.clear();
        }
        Supplier<List<Trial>> snapshots = () -> trials.stream().map(T::snapshot).toList();
        return new SchedulerContext("sim", objectives, snapshots, config, space, fidelity, seed, memory);
    }

    /** Validates the study as the engine does at creation. */
    public void validate() {
        scheduler.validate(new SchedulerContext("sim", objectives, List::of, config, space, fidelity, 0, new SchedulerMemory()));
    }

    /** An ask: a promoted trial, a clone, or a new trial with {@code newConfig}. */
    public HandOut ask(Supplier<Config> newConfig) {
        Optional<Promotion> p = scheduler.promote(context());
        if (p.isPresent()) {
            T t = byId(p.get().trialId());
            if (t == null || t.state != TrialState.PAUSED || !(p.get().budget() > t.budget)) {
                throw new AssertionError("invalid promotion " + p.get());
            }
            t.budget = p.get().budget();
            t.state = TrialState.RUNNING;
            t.attempt++;
            log.add("promote " + t.number + " to " + t.budget + ": " + p.get().reason());
            return new HandOut(t, Kind.PROMOTED);
        }
        Optional<Clone> c = scheduler.exploit(context());
        if (c.isPresent()) {
            T parent = byId(c.get().parentTrialId());
            if (parent == null || parent.checkpointStep < 0) {
                throw new AssertionError("invalid clone " + c.get());
            }
            T t = new T(trials.size() + 1, trials.size(), space.validate(c.get().config()),
                    c.get().budget() > 0 ? c.get().budget() : fidelity.max());
            t.parent = parent.id;
            t.checkpointStep = parent.checkpointStep;
            trials.add(t);
            log.add("clone " + t.number + " from " + parent.number + ": " + c.get().reason());
            return new HandOut(t, Kind.CLONED);
        }
        T t = new T(trials.size() + 1, trials.size(), newConfig.get(), fidelity == null ? 0 : fidelity.max());
        trials.add(t);
        OptionalDouble b = scheduler.initialBudget(context(), t.number);
        if (b.isPresent()) {
            t.budget = b.getAsDouble();
        }
        return new HandOut(t, Kind.NEW);
    }

    /** A report, with a checkpoint saved at this step. */
    public Verdict report(T t, double step, double value) {
        if (t.state != TrialState.RUNNING) {
            throw new AssertionError("trial " + t.number + " is " + t.state);
        }
        t.intermediates.add(new IntermediateValue(step, value));
        t.checkpointStep = step;
        Verdict v = scheduler.onReport(context(), t.snapshot());
        if (v.decision() == Decision.STOP) {
            t.state = TrialState.PRUNED;
        } else if (v.decision() == Decision.PAUSE) {
            t.state = TrialState.PAUSED;
        }
        log.add("report " + t.number + " step " + step + ": " + v);
        return v;
    }

    public void tell(T t, double value) {
        t.state = TrialState.COMPLETE;
        t.values = List.of(value);
        log.add("tell " + t.number);
    }

    public T byId(long id) {
        return id >= 1 && id <= trials.size() ? trials.get((int) id - 1) : null;
    }
}
