package io.hypatia.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.StudyEngine.Asked;
import io.hypatia.engine.StudyEngine.Outcome;
import io.hypatia.scheduler.asha.internal.AshaScheduler;
import io.hypatia.scheduler.hyperband.internal.HyperbandScheduler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Iterative Deepening Hyperband through the engine: the real ASHA and asynchronous Hyperband
 * schedulers on a real SQLite store ({@link IterativeDeepeningPostgresTest}: PostgreSQL), a study
 * run at max budget 9 and raised to 27 while it runs.
 */
class IterativeDeepeningTest extends EngineTestBase {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("lr", 1e-4, 1, true)));
    private static final List<Objective> LOSS = List.of(new Objective("loss", Direction.MINIMIZE));

    /** Steps each trial was trained over, across all its hand-outs: a restart would train a step twice. */
    private final Map<Long, List<Double>> trained = new HashMap<>();

    @Override
    void addPlugins(TestPlugins plugins) {
        plugins.schedulers.put("asha", new AshaScheduler());
        plugins.schedulers.put("hyperband", new HyperbandScheduler());
    }

    private void create(String name, String scheduler) {
        create(name, scheduler, Map.of("eta", "3"));
    }

    private void create(String name, String scheduler, Map<String, String> settings) {
        StudySpec s = StudySpec.of(name, SPACE, LOSS, new PluginRef("random", "", Map.of("seed", "7")));
        engine.createStudy(new StudySpec(s.name(), s.space(), s.objectives(), s.sampler(), new PluginRef(scheduler, "", settings),
                new Fidelity("epoch", 1, 9), s.leaseMillis(), s.onLeaseExpired(), s.maxAttempts(),
                s.samplerTimeoutMillis(), s.schedulerTimeoutMillis()));
    }

    /** A learning curve that only depends on the configuration: better lr near 1e-2, improving with epochs. */
    private static double loss(Asked a, double step) {
        double lr = a.info().trial().config().getDouble("lr");
        double x = Math.log10(lr) + 2;
        return x * x + 1.0 / step;
    }

    /**
     * One worker's hand-out: from the resume step (0 for a new trial) to the budget, one report
     * per epoch with a checkpoint each, stopping on STOP or PAUSE; tells COMPLETE at the budget.
     */
    private Asked work(String study) {
        Asked a = engine.ask(study, 1, "w").get(0);
        long id = a.info().trial().id();
        double budget = a.info().trial().budget();
        double from = a.resumed() ? a.resumeStep() : 0;
        for (double step = Math.floor(from) + 1; step <= budget; step++) {
            trained.computeIfAbsent(id, k -> new ArrayList<>()).add(step);
            Decision d = engine.report(study, id, step, loss(a, step), a.attempt(), "ckpt-" + id + "-" + (int) step).decision();
            if (d != Decision.CONTINUE) {
                return a;
            }
        }
        engine.tell(study, id, Outcome.complete(List.of(loss(a, budget))), "", a.attempt(), "ckpt-" + id + "-" + (int) budget);
        return a;
    }

    private static double valueAt(TrialInfo t, double step) {
        return t.trial().intermediates().stream().filter(v -> v.step() == step).findFirst().orElseThrow().value();
    }

    @Test
    void ashaRaisedFrom9To27ResumesTheTopCompletedTrialsFromTheirCheckpointsAndNeverPromotesTwice() throws Exception {
        create("a", "asha");
        for (int i = 0; i < 60; i++) {
            work("a");
        }
        List<TrialInfo> before = engine.listTrials("a", Set.of(TrialState.COMPLETE));
        assertTrue(before.size() >= 3, "ASHA completed " + before.size() + " trials at 9; the test needs at least 3");
        assertTrue(before.stream().allMatch(t -> t.trial().budget() == 9));
        // ASHA's rule at the old top rung: the top floor(n/eta) of the trials that reached 9.
        List<TrialInfo> reached9 = engine.listTrials("a", Set.of()).stream()
                .filter(t -> t.trial().intermediates().stream().anyMatch(v -> v.step() == 9)).toList();
        Set<Long> expected = new HashSet<>(reached9.stream().sorted(Comparator.comparingDouble((TrialInfo t) -> valueAt(t, 9))
                .thenComparingInt(t -> t.trial().number())).limit(reached9.size() / 3).map(t -> t.trial().id()).toList());
        assertFalse(expected.isEmpty());

        StudyEngine.BudgetRaised raised = engine.raiseMaxBudget("a", 27);
        assertEquals(27, raised.study().spec().fidelity().max());
        Set<Long> continued = new HashSet<>(raised.continued().stream().map(t -> t.trial().id()).toList());
        assertEquals(expected, continued, "the top 1/3 of rung 9 are continued");
        System.out.println("ASHA 9 -> 27: " + reached9.size() + " trials reached 9, " + before.size() + " complete there, "
                + continued.size() + " continued: " + continued);
        for (TrialInfo t : raised.continued()) {
            assertEquals(TrialState.PAUSED, t.trial().state());
            assertEquals("REOPENED", t.decisions().get(t.decisions().size() - 1).decision());
        }

        restart(); // the raise and the reopened trials are durable
        assertEquals(27, engine.getStudy("a").spec().fidelity().max());
        assertEquals(1, engine.getStudy("a").spec().raises().size());
        for (long id : continued) {
            assertEquals(TrialState.PAUSED, engine.getTrial("a", id).trial().state());
        }

        // The next asks hand them out first, resumed from their checkpoints at step 9, to the new top rung.
        assertNextAsksResumeFrom9To27("a", continued);
        for (long id : continued) {
            TrialInfo t = engine.getTrial("a", id);
            assertEquals(TrialState.COMPLETE, t.trial().state());
            assertEquals(27, t.trial().intermediates().size(), "steps 1..27 on one curve");
            assertTrue(t.reports().stream().noneMatch(ReportRecord::abandoned), "continued, not restarted");
        }

        // New trials keep running under the deepened rungs: some reach 27, none trains a step twice.
        for (int i = 0; i < 120; i++) {
            work("a");
        }
        assertNeverPromotedTwiceNorTrainedTwice("a");
        assertTrue(engine.listTrials("a", Set.of(TrialState.COMPLETE)).stream()
                .anyMatch(t -> t.trial().number() >= raised.study().spec().raises().get(0).firstTrialNumber() && t.trial().budget() == 27),
                "a trial created after the raise reached the new max");
    }

    @Test
    void hyperbandRaisedFrom9To27ExtendsEveryBracketAndAddsOneAtTheNewMax() throws Exception {
        create("h", "hyperband");
        for (int i = 0; i < 40; i++) {
            work("h");
        }
        Set<Double> budgetsBefore = new TreeSet<>();
        engine.listTrials("h", Set.of()).forEach(t -> budgetsBefore.add(t.trial().budget()));
        assertEquals(Set.of(1.0, 3.0, 9.0), budgetsBefore);
        int firstNew = engine.getStudy("h").trialCounts().values().stream().mapToInt(Integer::intValue).sum();

        StudyEngine.BudgetRaised raised = engine.raiseMaxBudget("h", 27);
        assertFalse(raised.continued().isEmpty());
        Set<Long> continued = new HashSet<>(raised.continued().stream().map(t -> t.trial().id()).toList());
        for (int i = 0; i < continued.size(); i++) {
            Asked a = work("h");
            assertTrue(continued.contains(a.info().trial().id()));
            assertEquals(HandOut.PROMOTED, a.handOut());
            assertEquals(9.0, a.resumeStep());
            assertEquals(27.0, a.info().trial().budget());
        }
        restart();
        for (int i = 0; i < 80; i++) {
            work("h");
        }
        // New trials start at the first rung of their bracket; the new bracket starts at 27.
        Set<Double> firstBudgets = new TreeSet<>();
        for (TrialInfo t : engine.listTrials("h", Set.of())) {
            if (t.trial().number() >= firstNew) {
                firstBudgets.add(t.trial().intermediates().isEmpty() ? t.trial().budget() : firstRungOf(t));
            }
        }
        assertTrue(firstBudgets.contains(27.0), "some new trials joined the new bracket at 27: " + firstBudgets);
        assertTrue(Set.of(1.0, 3.0, 9.0, 27.0).containsAll(firstBudgets), firstBudgets.toString());
        assertNeverPromotedTwiceNorTrainedTwice("h");
    }

    /** The budget a trial was first handed out with: the step of its first PAUSE, or its budget when it never paused. */
    private static double firstRungOf(TrialInfo t) {
        return t.decisions().stream().filter(d -> d.decision().equals("PAUSE")).mapToDouble(DecisionRecord::step).min()
                .orElse(t.decisions().stream().filter(d -> d.decision().equals("PROMOTE")).findAny().isPresent()
                        ? Double.NaN : t.trial().budget());
    }

    private void assertNeverPromotedTwiceNorTrainedTwice(String study) {
        for (TrialInfo t : engine.listTrials(study, Set.of())) {
            List<Double> from = t.decisions().stream().filter(d -> d.decision().equals("PROMOTE")).map(DecisionRecord::step).toList();
            assertEquals(new TreeSet<>(from).size(), from.size(), "trial " + t.trial().id() + " promoted twice from one step: " + from);
            List<Double> steps = trained.getOrDefault(t.trial().id(), List.of());
            assertEquals(new TreeSet<>(steps).size(), steps.size(), "trial " + t.trial().id() + " trained a step twice: " + steps);
            List<Double> curve = t.trial().intermediates().stream().map(IntermediateValue::step).toList();
            assertEquals(new TreeSet<>(curve).size(), curve.size());
        }
    }

    @Test
    void ashaStoppingPausesTheTopTrialsStillRunningAtTheRaiseAndResumesThemToTheNewMax() throws Exception {
        create("s", "asha", Map.of("eta", "3", "type", "stopping"));
        for (int i = 0; i < 30; i++) {
            work("s");
        }
        // Trials handed out with budget 9 and trained to step 8 (the stopping rule may stop some at 1 or 3).
        List<Asked> running = new ArrayList<>();
        for (int i = 0; i < 300 && running.size() < 8; i++) {
            Asked a = engine.ask("s", 1, "w").get(0);
            assertEquals(9.0, a.info().trial().budget());
            if (train(a, 1, 8) == Decision.CONTINUE) {
                running.add(a);
            }
        }
        assertEquals(8, running.size(), "eight trials survived to step 8");
        StudyEngine.BudgetRaised raised = engine.raiseMaxBudget("s", 27);
        Set<Long> toResume = new HashSet<>(raised.continued().stream().map(t -> t.trial().id()).toList());
        assertFalse(toResume.isEmpty());
        // A reopened trial's value at 9 is no result any more: the best trial is another, COMPLETE one.
        List<TrialInfo> best = engine.bestTrials("s");
        assertEquals(1, best.size());
        assertEquals(TrialState.COMPLETE, best.get(0).trial().state());
        assertFalse(toResume.contains(best.get(0).trial().id()));

        // At step 9, their last under the budget they were given: the top floor(n/3) of rung 9 pause, the others finish.
        int pausedRunning = 0;
        for (Asked a : running) {
            long id = a.info().trial().id();
            Decision d = train(a, 9, 9);
            List<TrialInfo> at9 = engine.listTrials("s", Set.of()).stream()
                    .filter(t -> t.trial().intermediates().stream().anyMatch(v -> v.step() == 9)).toList();
            long better = at9.stream().filter(t -> valueAt(t, 9) < loss(a, 9)).count();
            boolean inTop = (better + 1) * 3 <= at9.size();
            assertEquals(inTop ? Decision.PAUSE : Decision.CONTINUE, d, "trial " + id + " ranked " + (better + 1) + " of " + at9.size());
            if (d == Decision.PAUSE) {
                assertEquals(TrialState.PAUSED, engine.getTrial("s", id).trial().state());
                toResume.add(id);
                pausedRunning++;
            } else {
                engine.tell("s", id, Outcome.complete(List.of(loss(a, 9))), "", a.attempt(), "ckpt-" + id + "-9");
                assertEquals(TrialState.COMPLETE, engine.getTrial("s", id).trial().state());
            }
        }
        assertTrue(pausedRunning > 0, "at least one running trial was in the top third at 9");
        System.out.println("ASHA stopping 9 -> 27: " + raised.continued().size() + " complete trials reopened, "
                + pausedRunning + " of " + running.size() + " running trials paused at 9");

        restart(); // the paused trials wait in rung 9 after a rebuild too
        assertNextAsksResumeFrom9To27("s", toResume);
        assertNeverPromotedTwiceNorTrainedTwice("s");
    }

    /** The next asks hand out exactly {@code expected}, each promoted and resumed from its checkpoint at 9 to budget 27. */
    private void assertNextAsksResumeFrom9To27(String study, Set<Long> expected) {
        Set<Long> resumed = new HashSet<>();
        for (int i = 0; i < expected.size(); i++) {
            Asked a = work(study);
            long id = a.info().trial().id();
            assertTrue(expected.contains(id), "ask " + i + " handed out trial " + id + " instead of one waiting to resume");
            assertEquals(HandOut.PROMOTED, a.handOut());
            assertTrue(a.resumed());
            assertEquals(9.0, a.resumeStep());
            assertEquals("ckpt-" + id + "-9", a.checkpoint());
            assertEquals(27.0, a.info().trial().budget());
            resumed.add(id);
        }
        assertEquals(expected, resumed);
    }

    /** Reports steps {@code from..to} of a hand-out with a checkpoint each; the last decision (CONTINUE if none). */
    private Decision train(Asked a, double from, double to) {
        long id = a.info().trial().id();
        Decision d = Decision.CONTINUE;
        for (double step = from; step <= to && d == Decision.CONTINUE; step++) {
            trained.computeIfAbsent(id, k -> new ArrayList<>()).add(step);
            d = engine.report(a.info().study(), id, step, loss(a, step), a.attempt(), "ckpt-" + id + "-" + (int) step).decision();
        }
        return d;
    }

    @Test
    void badRaisesAreRefusedNamingMaxBudget() {
        create("v", "asha");
        StudySpec s = StudySpec.of("plain", SPACE, LOSS, PluginRef.of("random"));
        engine.createStudy(s);
        for (double bad : new double[] {9, 5, Double.NaN, Double.POSITIVE_INFINITY}) {
            EngineException e = assertThrows(EngineException.class, () -> engine.raiseMaxBudget("v", bad));
            assertEquals(EngineException.Code.INVALID_ARGUMENT, e.code());
            assertEquals("max_budget", e.field());
        }
        EngineException noFidelity = assertThrows(EngineException.class, () -> engine.raiseMaxBudget("plain", 27));
        assertEquals("max_budget", noFidelity.field());
        assertEquals(EngineException.Code.NOT_FOUND, assertThrows(EngineException.class, () -> engine.raiseMaxBudget("nope", 27)).code());
        assertEquals(9, engine.getStudy("v").spec().fidelity().max(), "a refused raise changes nothing");
    }
}
