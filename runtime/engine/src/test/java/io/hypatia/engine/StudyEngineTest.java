package io.hypatia.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Condition;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.StudyEngine.Outcome;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The trial state machine, leases, fallbacks and persistence, on a real SQLite store ({@link StudyEnginePostgresTest}: PostgreSQL). */
class StudyEngineTest extends EngineTestBase {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(
            new FloatParameter("lr", 1e-4, 1, true),
            new CategoricalParameter("opt", List.of("sgd", "adam")),
            new FloatParameter("momentum", 0, 0.99, false, new Condition("opt", List.of("sgd"))),
            new IntParameter("layers", 1, 5)));
    private static final List<Objective> LOSS = List.of(new Objective("loss", Direction.MINIMIZE));

    private StudySpec spec(String name) {
        return StudySpec.of(name, SPACE, LOSS, new PluginRef("random", "", Map.of("seed", "5")));
    }

    private static double loss(TrialInfo t) {
        return Math.abs(Math.log10(t.trial().config().getDouble("lr")) + 2);
    }

    @Test
    void askTellAndBestTrialAreRememberedAcrossARestart() throws Exception {
        engine.createStudy(spec("s"));
        double best = Double.POSITIVE_INFINITY;
        long bestId = -1;
        for (int i = 0; i < 30; i++) {
            TrialInfo t = engine.ask("s", 1, "w").get(0).info();
            assertEquals(i, t.trial().number());
            assertEquals(t.trial().config(), SPACE.validate(t.trial().config()), "suggestions are valid configurations");
            double y = loss(t);
            engine.tell("s", t.trial().id(), Outcome.complete(List.of(y)), "r" + i);
            if (y < best) {
                best = y;
                bestId = t.trial().id();
            }
        }
        assertEquals(bestId, engine.bestTrials("s").get(0).trial().id());
        engine.close();
        store.close();

        store = openStore();
        engine = new StudyEngine(store, plugins);
        assertEquals(30, engine.getStudy("s").trialCounts().get(TrialState.COMPLETE));
        assertEquals(bestId, engine.bestTrials("s").get(0).trial().id());
        assertEquals(30, engine.ask("s", 1, "w").get(0).info().trial().number(), "numbering continues");
    }

    @Test
    void sameSeedGivesSameSuggestions() {
        engine.createStudy(spec("a"));
        engine.createStudy(spec("b"));
        for (int i = 0; i < 5; i++) {
            assertEquals(engine.ask("a", 1, "w").get(0).info().trial().config(), engine.ask("b", 1, "w").get(0).info().trial().config());
        }
    }

    @Test
    void enqueuedConfigurationsAreAskedFirst() {
        engine.createStudy(spec("s"));
        Config warm = Config.of(Map.of("lr", 0.01, "opt", "adam", "layers", 3L));
        engine.enqueue("s", warm);
        assertEquals(warm, engine.ask("s", 1, "w").get(0).info().trial().config());
        EngineException e = assertThrows(EngineException.class,
                () -> engine.enqueue("s", Config.of(Map.of("lr", 0.01, "opt", "adam", "layers", 9L))));
        assertEquals("config.layers", e.field());
        e = assertThrows(EngineException.class,
                () -> engine.enqueue("s", Config.of(Map.of("lr", 0.01, "opt", "adam", "layers", 2L, "momentum", 0.5))));
        assertEquals("config.momentum", e.field(), "an inactive conditional parameter may not be given");
    }

    @Test
    void tellIsIdempotentPerRequestIdAndRejectsBadValues() {
        engine.createStudy(spec("s"));
        long id = engine.ask("s", 1, "w").get(0).info().trial().id();
        EngineException nan = assertThrows(EngineException.class, () -> engine.tell("s", id, Outcome.complete(List.of(Double.NaN)), "x"));
        assertEquals(EngineException.Code.INVALID_ARGUMENT, nan.code());
        assertEquals("values[0]", nan.field());
        TrialInfo first = engine.tell("s", id, Outcome.complete(List.of(1.5)), "req-1");
        assertEquals(first, engine.tell("s", id, Outcome.complete(List.of(1.5)), "req-1"));
        EngineException again = assertThrows(EngineException.class, () -> engine.tell("s", id, Outcome.complete(List.of(2.0)), "req-2"));
        assertEquals(EngineException.Code.FAILED_PRECONDITION, again.code());
        engine.createStudy(spec("other"));
        EngineException foreign = assertThrows(EngineException.class, () -> engine.tell("other", id, Outcome.failed("x"), ""));
        assertEquals(EngineException.Code.NOT_FOUND, foreign.code());
        // The other study is not named: it may belong to another tenant (issue 11 finding 10).
        assertEquals("trial_id: no trial " + id + " in study 'other'", foreign.getMessage());
    }

    @Test
    void crashingAndHangingSamplersFallBackToRandomAndAreCounted() {
        plugins.samplers.put("crashing", ctx -> {
            throw new IllegalStateException("boom");
        });
        plugins.samplers.put("hanging", ctx -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        plugins.samplers.put("invalid", ctx -> Config.of(Map.of("lr", 5.0)));
        for (String name : List.of("crashing", "hanging", "invalid")) {
            StudySpec s = StudySpec.of(name, SPACE, LOSS, PluginRef.of(name));
            engine.createStudy(new StudySpec(s.name(), s.space(), s.objectives(), s.sampler(), s.scheduler(), null,
                    s.leaseMillis(), s.onLeaseExpired(), s.maxAttempts(), 200, 200));
            TrialInfo t = engine.ask(name, 1, "w").get(0).info();
            assertEquals("fallback-random", t.trial().attributes().get("sampler"));
            assertEquals(t.trial().config(), SPACE.validate(t.trial().config()));
            assertEquals(1, engine.getStudy(name).pluginFallbacks());
            engine.tell(name, t.trial().id(), Outcome.complete(List.of(1.0)), "");
        }
    }

    @Test
    void schedulerDecisionsPruneAndPauseAndAFailingSchedulerContinues() {
        plugins.schedulers.put("threshold", (ctx, trial) -> {
            double v = trial.lastIntermediate().value();
            return Verdict.of(v > 10 ? Decision.STOP : v > 5 ? Decision.PAUSE : Decision.CONTINUE, -1, "threshold");
        });
        plugins.schedulers.put("broken", (ctx, trial) -> {
            throw new IllegalStateException("bug");
        });
        engine.createStudy(spec("s").withScheduler(PluginRef.of("threshold")));
        long a = engine.ask("s", 1, "w").get(0).info().trial().id();
        assertEquals(Decision.CONTINUE, engine.report("s", a, 1, 1.0));
        assertEquals(Decision.STOP, engine.report("s", a, 2, 11.0));
        assertEquals(TrialState.PRUNED, engine.getTrial("s", a).trial().state());
        assertEquals(EngineException.Code.FAILED_PRECONDITION,
                assertThrows(EngineException.class, () -> engine.report("s", a, 3, 1.0)).code());
        long b = engine.ask("s", 1, "w").get(0).info().trial().id();
        assertEquals(Decision.PAUSE, engine.report("s", b, 1, 6.0));
        assertEquals(TrialState.PAUSED, engine.getTrial("s", b).trial().state());

        engine.createStudy(spec("t").withScheduler(PluginRef.of("broken")));
        long c = engine.ask("t", 1, "w").get(0).info().trial().id();
        assertEquals(Decision.CONTINUE, engine.report("t", c, 1, 100.0));
        assertEquals(1, engine.getStudy("t").pluginFallbacks());
        assertEquals(EngineException.Code.INVALID_ARGUMENT,
                assertThrows(EngineException.class, () -> engine.report("t", c, 1, 2.0)).code(), "steps must increase");
    }

    @Test
    void expiredLeasesAreRequeuedThenFailed() throws Exception {
        engine.createStudy(spec("s").withLease(60_000, LeasePolicy.REQUEUE, 2));
        TrialInfo first = engine.ask("s", 1, "w1").get(0).info();
        // Expiry is driven through the reaper's own entry point with an explicit clock, so the
        // test does not depend on how fast this machine runs.
        engine.expireLeasesAt(first.leaseExpiresAt() - 1);
        assertSame(TrialState.RUNNING, engine.getTrial("s", first.trial().id()).trial().state(), "not expired before its end");
        engine.expireLeasesAt(first.leaseExpiresAt());
        assertSame(TrialState.WAITING, engine.getTrial("s", first.trial().id()).trial().state());
        TrialInfo again = engine.ask("s", 1, "w2").get(0).info();
        assertEquals(first.trial().id(), again.trial().id(), "the requeued configuration is handed out again");
        assertEquals(first.trial().config(), again.trial().config());
        engine.expireLeasesAt(again.leaseExpiresAt());
        assertSame(TrialState.FAILED, engine.getTrial("s", first.trial().id()).trial().state(), "max_attempts = 2 losses");
        assertTrue(engine.getTrial("s", first.trial().id()).failReason().contains("lease expired"));

        // A heartbeat moves the lease's end: expiry at the old end no longer takes the trial.
        TrialInfo kept = engine.ask("s", 1, "w3").get(0).info();
        long oldEnd = kept.leaseExpiresAt();
        long newEnd;
        do {
            newEnd = engine.heartbeat("s", kept.trial().id()).leaseExpiresAt();
        } while (newEnd <= oldEnd); // the clock must tick at least once between ask and heartbeat
        engine.expireLeasesAt(oldEnd);
        assertSame(TrialState.RUNNING, engine.getTrial("s", kept.trial().id()).trial().state());
        engine.expireLeasesAt(newEnd);
        assertSame(TrialState.WAITING, engine.getTrial("s", kept.trial().id()).trial().state());
    }

    @Test
    void theReaperThreadExpiresLeasesByItself() throws Exception {
        engine.createStudy(spec("r").withLease(200, LeasePolicy.FAIL, 1));
        TrialInfo t = engine.ask("r", 1, "w").get(0).info();
        waitForState("r", t.trial().id(), TrialState.FAILED); // polls up to a generous deadline
    }

    @Test
    void multiObjectiveBestTrialsAreTheParetoFront() {
        StudySpec s = StudySpec.of("mo", SPACE, List.of(new Objective("err", Direction.MINIMIZE),
                new Objective("speed", Direction.MAXIMIZE)), PluginRef.of("random"));
        engine.createStudy(s);
        double[][] values = {{1, 1}, {2, 3}, {3, 2}, {0.5, 0.5}, {2, 2.5}, {1, 0.9}};
        long[] ids = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            ids[i] = engine.ask("mo", 1, "w").get(0).info().trial().id();
            engine.tell("mo", ids[i], Outcome.complete(List.of(values[i][0], values[i][1])), "");
        }
        Set<Long> front = new HashSet<>();
        engine.bestTrials("mo").forEach(t -> front.add(t.trial().id()));
        // (1,1) (2,3) (0.5,0.5) are non-dominated; (3,2), (2,2.5) and (1,0.9) are dominated.
        assertEquals(Set.of(ids[0], ids[1], ids[3]), front);
    }

    @Test
    void bestTrialsAreFeasibleAndConstraintsArePersisted() throws Exception {
        engine.createStudy(spec("c"));
        long infeasibleBest = engine.ask("c", 1, "w").get(0).info().trial().id();
        engine.tell("c", infeasibleBest, Outcome.complete(List.of(0.1), List.of(0.5, -1.0)), "");
        long feasible = engine.ask("c", 1, "w").get(0).info().trial().id();
        engine.tell("c", feasible, Outcome.complete(List.of(0.7), List.of(0.0, -2.0)), "");
        long nan = engine.ask("c", 1, "w").get(0).info().trial().id();
        assertEquals("constraints[1]", assertThrows(EngineException.class,
                () -> engine.tell("c", nan, Outcome.complete(List.of(0.0), List.of(0.0, Double.NaN)), "")).field());
        assertEquals(feasible, engine.bestTrials("c").get(0).trial().id(), "an infeasible trial is never best");
        engine.close();
        store.close();
        store = openStore();
        engine = new StudyEngine(store, plugins);
        assertEquals(List.of(0.5, -1.0), engine.getTrial("c", infeasibleBest).trial().constraints());
        assertEquals(feasible, engine.bestTrials("c").get(0).trial().id());
    }

    @Test
    void studySpecIsValidated() {
        assertEquals("name", assertThrows(EngineException.class, () -> engine.createStudy(spec("bad name!"))).field());
        assertEquals("sampler.name", assertThrows(EngineException.class, () -> engine.createStudy(
                StudySpec.of("x", SPACE, LOSS, PluginRef.of("tpee")))).field());
        assertEquals("scheduler.name", assertThrows(EngineException.class, () -> engine.createStudy(
                spec("x").withScheduler(PluginRef.of("nope")))).field());
        assertEquals("sampler.config.seed", assertThrows(EngineException.class, () -> engine.createStudy(
                StudySpec.of("x", SPACE, LOSS, new PluginRef("random", "", Map.of("seed", "abc"))))).field());
        engine.createStudy(spec("x"));
        assertEquals(EngineException.Code.ALREADY_EXISTS, assertThrows(EngineException.class, () -> engine.createStudy(spec("x"))).code());
        engine.deleteStudy("x");
        assertEquals(EngineException.Code.NOT_FOUND, assertThrows(EngineException.class, () -> engine.getStudy("x")).code());
        engine.createStudy(spec("x"));
    }

    private void waitForState(String study, long id, TrialState state) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000; // generous: only a hang fails it
        while (engine.getTrial(study, id).trial().state() != state) {
            assertTrue(System.currentTimeMillis() < deadline, "trial " + id + " never became " + state);
            Thread.sleep(50);
        }
    }
}
