package io.hypatia.launcher.bench;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.benchmark.Evaluation;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.engine.HandOut;
import io.hypatia.engine.LeasePolicy;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.StudySpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * One run of an optimizer on a benchmark with W simulated asynchronous workers, as in Syne
 * Tune's simulator: an evaluation takes the benchmark's simulated cost, and the clock jumps
 * from event to event instead of waiting, so an hour of simulated training takes milliseconds.
 *
 * <p>Each worker alternates: ask (at the moment it is free), evaluate, then report or tell at
 * the moment the evaluation would have finished. With a fidelity and a scheduler a trial is
 * trained step by step (steps {@code fidelity.min + k * stepSize} up to its budget, the last
 * step being the budget itself); each step costs {@code cost(r) - cost(r_prev)}, since
 * {@link Evaluation#cost()} is the cumulative cost of training up to r; the step's value is
 * reported when it completes and the scheduler's STOP or PAUSE frees the worker at that moment.
 * Otherwise a trial is one evaluation at its budget costing {@link Evaluation#cost()}.
 *
 * <p>Event order: by simulated time; at equal times every completion (report, tell) comes
 * before any ask, so a sampler asked at time t has seen every result finished by t; ties within
 * each group go by worker index. The events of one instant and group form a batch that the
 * {@link Dispatcher} carries out: one after the other in worker order (in-process runs, which
 * are therefore bit-for-bit reproducible), or concurrently on real worker threads (service
 * runs; then only the trial numbers of simultaneous asks depend on thread timing).
 *
 * <p>A run stops handing out trials once {@code maxTrials} distinct trials were started (a
 * resumed, paused trial does not count), lets the running ones finish, and never processes an
 * event later than {@code maxTime} simulated seconds.
 */
public final class Simulator {

    /** Carries out the actions of one batch and returns when all are done. */
    public interface Dispatcher {
        void runAll(List<Runnable> actions);

        /** In worker order on the calling thread. */
        Dispatcher SEQUENTIAL = actions -> actions.forEach(Runnable::run);
    }

    /**
     * What to simulate.
     *
     * @param instance     the benchmark variant of this run ({@code benchmark.instance(seed)})
     * @param hasScheduler true when the optimizer has a scheduler: multi-fidelity trials are then trained step by step
     * @param maxTime      simulated seconds; infinity for no limit
     * @param stepSize     distance between reported steps of a trial trained step by step
     */
    public record Run(String optimizer, String benchmark, long seed, Benchmark instance, boolean hasScheduler,
                      int workers, int maxTrials, double maxTime, double stepSize) {
        public Run {
            if (workers < 1 || maxTrials < 1 || !(stepSize > 0) || !(maxTime > 0)) {
                throw new IllegalArgumentException("need workers >= 1, maxTrials >= 1, stepSize > 0, maxTime > 0");
            }
        }
    }

    private enum Phase {
        ASK(1), REPORT(0), TELL(0), DONE(2);

        /** Completions (0) before asks (1) at the same instant. */
        final int order;

        Phase(int order) {
            this.order = order;
        }
    }

    /**
     * A raise of the study's max budget at simulated time {@code atTime} (Iterative Deepening
     * Hyperband), made before the asks of that instant; trials in flight keep their budgets.
     */
    public record Raise(double atTime, double maxBudget) {
    }

    private final Run run;
    private final StudyBackend.Study study;
    private List<Raise> raises = List.of();
    private java.util.function.DoubleConsumer raiser = max -> { };
    private int nextRaise;
    private final Dispatcher dispatcher;
    private final DoubleSupplier wallSeconds;
    private final Incumbent incumbent;
    private final boolean stepwise;
    private final List<EvaluationRow> rows = new ArrayList<>();
    /** Every checkpoint reported in this run, with its step; and each trial's latest one. */
    private final Map<String, Double> checkpoints = new HashMap<>();
    private final Map<Long, String> latestCheckpoint = new HashMap<>();
    private int started;
    /** Fidelity units trained so far by all workers (epochs for LCBench), counted as steps complete. */
    private double epochs;

    /**
     * @param wallSeconds real seconds since the run started, written to each row (tests pass a constant)
     */
    public Simulator(Run run, StudyBackend.Study study, Dispatcher dispatcher, DoubleSupplier wallSeconds) {
        this.run = run;
        this.study = study;
        this.dispatcher = dispatcher;
        this.wallSeconds = wallSeconds;
        this.incumbent = new Incumbent(run.instance());
        this.stepwise = run.hasScheduler() && run.instance().fidelity().isPresent();
    }

    /**
     * The study a run creates: the benchmark's space, objectives and fidelity; the sampler seeded
     * with the run seed unless the optimizer sets one; leases and plugin time limits long enough
     * that wall-clock timing never changes what a run does.
     */
    public static StudySpec studySpec(String name, Benchmark instance, OptimizerSpec optimizer, long seed) {
        Map<String, String> samplerConfig = new HashMap<>(optimizer.sampler().config());
        samplerConfig.putIfAbsent("seed", Long.toString(seed));
        PluginRef sampler = new PluginRef(optimizer.sampler().name(), optimizer.sampler().versionRange(), samplerConfig);
        Fidelity fidelity = instance.fidelity().orElse(null);
        long day = 86_400_000L;
        return new StudySpec(name, instance.space(), instance.objectives(), sampler, optimizer.scheduler(), fidelity,
                day, LeasePolicy.REQUEUE, StudySpec.DEFAULT_MAX_ATTEMPTS, 600_000, 600_000);
    }

    /** The checkpoint reference a simulated trainer reports with a step; opaque to the service. */
    static String checkpointRef(long trialId, double step) {
        return "sim://trial-" + trialId + "/step-" + EvaluationCsv.number(step);
    }

    /** The evaluation seed of a trial: its own noise draw per (run seed, trial number). */
    static long evaluationSeed(long runSeed, int trialNumber) {
        long z = runSeed * 0x9E3779B97F4A7C15L + trialNumber * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Raises the study's max budget with {@code raiser} at the given times (in time order). */
    public Simulator raising(List<Raise> raisesInTimeOrder, java.util.function.DoubleConsumer raiser) {
        this.raises = List.copyOf(raisesInTimeOrder);
        this.raiser = raiser;
        return this;
    }

    /** Runs the simulation to its end and returns its rows in event order. */
    public List<EvaluationRow> simulate() {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < run.workers(); i++) {
            workers.add(new Worker(i));
        }
        while (true) {
            Worker first = null;
            for (Worker w : workers) {
                if (w.phase != Phase.DONE && w.time > run.maxTime()) {
                    w.phase = Phase.DONE; // its evaluation would finish after the time limit
                }
                if (w.phase != Phase.DONE && (first == null || w.time < first.time
                        || w.time == first.time && w.phase.order < first.phase.order)) {
                    first = w;
                }
            }
            if (first == null) {
                return rows;
            }
            while (nextRaise < raises.size() && raises.get(nextRaise).atTime() <= first.time) {
                raiser.accept(raises.get(nextRaise++).maxBudget());
            }
            List<Worker> batch = new ArrayList<>();
            for (Worker w : workers) {
                if (w.phase != Phase.DONE && w.time == first.time && w.phase.order == first.phase.order) {
                    batch.add(w);
                }
            }
            if (first.phase == Phase.ASK) {
                int room = run.maxTrials() - started;
                if (room <= 0) {
                    batch.forEach(w -> w.phase = Phase.DONE);
                    continue;
                }
                batch = batch.subList(0, Math.min(room, batch.size()));
            }
            study.simulatedTime(first.time); // every call of a batch happens at one simulated time
            dispatcher.runAll(batch.stream().map(w -> (Runnable) w::act).toList());
            for (Worker w : batch) {
                w.apply();
            }
        }
    }

    /**
     * One simulated worker. {@link #act} makes the backend call of its current event and
     * evaluates what comes next (it may run on a worker thread); {@link #apply} then records
     * the result and moves the worker's clock, always on the simulation's thread in worker order.
     */
    private final class Worker {
        final int index;
        final String name;
        double time;
        Phase phase = Phase.ASK;
        StudyBackend.Asked trial;
        long evalSeed;
        double[] steps;
        int stepIndex;
        /** The evaluation completing at {@link #time}, and the resource it was made at. */
        Evaluation current;
        double currentResource;
        /** The resource the current attempt has trained to (its starting checkpoint, then each completed step). */
        double trainedTo;
        // set by act(), used by apply()
        Evaluation next;
        double nextResource;
        double nextDelta;
        Phase nextPhase;
        boolean recordCurrent;
        boolean newTrial;
        String reportedCheckpoint;

        Worker(int index) {
            this.index = index;
            this.name = "w" + index;
        }

        void act() {
            recordCurrent = false;
            newTrial = false;
            reportedCheckpoint = null;
            switch (phase) {
                case ASK -> {
                    trial = study.ask(name);
                    newTrial = trial.isNewTrial();
                    evalSeed = evaluationSeed(run.seed(), trial.number());
                    startTrial();
                }
                case REPORT -> {
                    recordCurrent = true;
                    // the trainer saves a checkpoint at every step, so any step can be resumed from
                    String checkpoint = checkpointRef(trial.trialId(), currentResource);
                    Decision d = study.report(trial.trialId(), currentResource, current.values().get(0), trial.attempt(),
                            checkpoint);
                    reportedCheckpoint = checkpoint;
                    if (d != Decision.CONTINUE) {
                        finish(); // STOP: the engine pruned it; PAUSE: it waits for a promotion
                    } else if (stepIndex + 1 < steps.length) {
                        stepIndex++;
                        evaluateStep(current.cost());
                    } else {
                        study.tell(trial.trialId(), current.values(), trial.attempt());
                        finish();
                    }
                }
                case TELL -> {
                    recordCurrent = true;
                    study.tell(trial.trialId(), current.values(), trial.attempt());
                    finish();
                }
                case DONE -> throw new IllegalStateException("a finished worker has no event");
            }
        }

        private void startTrial() {
            Fidelity fidelity = run.instance().fidelity().orElse(null);
            if (!stepwise) {
                steps = new double[] {fidelity == null ? 0 : trial.budget()};
                stepIndex = 0;
                trainedTo = 0;
                evaluate(0, Phase.TELL);
                return;
            }
            double from = trial.resumed() ? resumeStep() : 0; // else: trained from scratch, paying again
            steps = stepGrid(fidelity.min(), run.stepSize(), from, trial.budget());
            stepIndex = 0;
            trainedTo = from;
            if (steps.length == 0) { // nothing left to train: tell what it reached
                steps = new double[] {from};
                evaluate(0, Phase.TELL);
                return;
            }
            // a resumed trial (or a PBT clone) goes on from its checkpoint: only the training beyond it costs
            double done = from > 0 ? run.instance().evaluate(trial.config(), from, evalSeed).cost() : 0;
            evaluateStep(done);
        }

        /**
         * The step to resume from, after checking the protocol as a trainer would: the checkpoint
         * handed back is one this run reported, saved at the step the service names; a promoted or
         * requeued trial gets its own latest one.
         */
        private double resumeStep() {
            Double saved = checkpoints.get(trial.checkpoint());
            if (saved == null || saved != trial.resumeStep()) {
                throw new IllegalStateException("trial " + trial.number() + " (" + trial.handOut() + ") was told to resume from "
                        + "checkpoint '" + trial.checkpoint() + "' at step " + trial.resumeStep() + ", which no worker saved");
            }
            if (trial.handOut() != HandOut.CLONED && !trial.checkpoint().equals(latestCheckpoint.get(trial.trialId()))) {
                throw new IllegalStateException("trial " + trial.number() + " was told to resume from '" + trial.checkpoint()
                        + "', not its latest checkpoint '" + latestCheckpoint.get(trial.trialId()) + "'");
            }
            return trial.resumeStep();
        }

        private void evaluateStep(double costSoFar) {
            evaluate(costSoFar, Phase.REPORT);
        }

        /** Evaluates {@code steps[stepIndex]}; it completes after its cost beyond {@code costSoFar}. */
        private void evaluate(double costSoFar, Phase then) {
            double resource = steps[stepIndex];
            Evaluation e;
            try {
                e = run.instance().evaluate(trial.config(), resource, evalSeed);
            } catch (RuntimeException ex) {
                study.fail(trial.trialId(), "evaluation at " + resource + " threw " + ex);
                finish();
                return;
            }
            String bad = problem(e);
            if (bad != null) {
                study.fail(trial.trialId(), "evaluation at " + resource + " " + bad);
                finish();
                return;
            }
            next = e;
            nextResource = resource;
            nextDelta = Math.max(0, e.cost() - costSoFar);
            nextPhase = then;
        }

        private String problem(Evaluation e) {
            if (e.values().size() != run.instance().objectives().size()) {
                return "returned " + e.values().size() + " values for " + run.instance().objectives().size() + " objectives";
            }
            for (double v : e.values()) {
                if (!Double.isFinite(v)) {
                    return "returned " + v;
                }
            }
            return Double.isFinite(e.cost()) && e.cost() >= 0 ? null : "has cost " + e.cost();
        }

        /** The worker is free again at the current time. */
        private void finish() {
            next = null;
            nextDelta = 0;
            nextPhase = Phase.ASK;
        }

        void apply() {
            if (newTrial) {
                started++;
            }
            if (reportedCheckpoint != null) { // recorded here, on the simulation's thread
                checkpoints.put(reportedCheckpoint, currentResource);
                latestCheckpoint.put(trial.trialId(), reportedCheckpoint);
            }
            if (recordCurrent) {
                incumbent.add(current.values());
                epochs += Math.max(0, currentResource - trainedTo);
                trainedTo = currentResource;
                rows.add(new EvaluationRow(run.optimizer(), run.benchmark(), run.seed(), trial.number(), currentResource,
                        current.values(), incumbent.best(), incumbent.kind().label(), incumbent.score(), time,
                        wallSeconds.getAsDouble(), epochs));
            }
            current = next;
            currentResource = nextResource;
            time += nextDelta;
            phase = nextPhase;
        }
    }

    /**
     * The steps a trial reports on its way to {@code budget}: {@code min + k * stepSize} beyond
     * {@code lastStep} and below the budget, then the budget itself.
     */
    static double[] stepGrid(double min, double stepSize, double lastStep, double budget) {
        List<Double> out = new ArrayList<>();
        for (long k = 0; ; k++) {
            double r = min + k * stepSize;
            if (r >= budget - 1e-9 * Math.max(1, Math.abs(budget))) {
                break;
            }
            if (r > lastStep) {
                out.add(r);
            }
        }
        if (budget > lastStep) {
            out.add(budget);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
