package io.hypatia.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Clone;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Promotion;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.UnsuitableStudyException;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.StudyEngine.Asked;
import io.hypatia.engine.StudyEngine.Outcome;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Attempts and fencing, checkpoints, resume after a lost worker, promotions and clones, on real SQLite ({@link MultiFidelityProtocolPostgresTest}: PostgreSQL). */
class MultiFidelityProtocolTest extends EngineTestBase {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("lr", 1e-4, 1, true)));
    private static final List<Objective> LOSS = List.of(new Objective("loss", Direction.MINIMIZE));
    private static final long FAR_FUTURE = Long.MAX_VALUE / 2;

    private StudySpec spec(String name, String scheduler) {
        StudySpec s = StudySpec.of(name, SPACE, LOSS, new PluginRef("random", "", Map.of("seed", "1")));
        return new StudySpec(s.name(), s.space(), s.objectives(), s.sampler(), PluginRef.of(scheduler),
                new Fidelity("epoch", 1, 9), s.leaseMillis(), s.onLeaseExpired(), s.maxAttempts(),
                s.samplerTimeoutMillis(), s.schedulerTimeoutMillis());
    }

    private static EngineException.Code code(Runnable r) {
        return assertThrows(EngineException.class, r::run).code();
    }

    @Test
    void aLostWorkersTrialResumesFromItsLastCheckpointAndTheLostWorkerIsFenced() throws Exception {
        engine.createStudy(spec("s", "none"));
        Asked first = engine.ask("s", 1, "w1").get(0);
        long id = first.info().trial().id();
        assertEquals(1, first.attempt());
        assertEquals(HandOut.NEW, first.handOut());
        assertFalse(first.resumed());
        for (int step = 1; step <= 5; step++) {
            engine.report("s", id, step, 1.0 / step, 1, step == 3 ? "ckpt-at-3" : "");
        }
        engine.expireLeasesAt(FAR_FUTURE);
        assertEquals(TrialState.WAITING, engine.getTrial("s", id).trial().state());

        Asked second = engine.ask("s", 1, "w2").get(0);
        assertEquals(id, second.info().trial().id());
        assertEquals(2, second.attempt());
        assertEquals(HandOut.REQUEUED, second.handOut());
        assertTrue(second.resumed());
        assertEquals("ckpt-at-3", second.checkpoint());
        assertEquals(3.0, second.resumeStep());
        // The new attempt goes on from step 4; values 4 and 5 of attempt 1 are history only.
        assertEquals(Decision.CONTINUE, engine.report("s", id, 4, 0.2, 2, "").decision());
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0), engine.getTrial("s", id).trial().intermediates().stream()
                .map(v -> v.step()).toList());
        // The lost worker comes back: its report and tell are refused, its heartbeat says stop.
        assertEquals(EngineException.Code.FAILED_PRECONDITION, code(() -> engine.report("s", id, 6, 0.1, 1, "")));
        assertEquals(EngineException.Code.FAILED_PRECONDITION,
                code(() -> engine.tell("s", id, Outcome.complete(List.of(0.1)), "late", 1, "")));
        assertEquals(2, engine.heartbeat("s", id, 1).attempts());
        engine.tell("s", id, Outcome.complete(List.of(0.15)), "done", 2, "final");

        restart();
        TrialInfo t = engine.getTrial("s", id);
        assertEquals(TrialState.COMPLETE, t.trial().state());
        assertEquals(6, t.reports().size(), "abandoned values are kept for history");
        assertEquals(2, t.reports().stream().filter(ReportRecord::abandoned).count());
        assertTrue(t.reports().stream().filter(ReportRecord::abandoned).allMatch(r -> r.attempt() == 1 && r.step() > 3));
        assertEquals("LEASE_EXPIRED", t.decisions().get(0).decision());
        assertEquals("final", t.checkpoint());
    }

    @Test
    void aLostWorkersTrialWithoutCheckpointStartsOver() {
        engine.createStudy(spec("s", "none"));
        long id = engine.ask("s", 1, "w1").get(0).info().trial().id();
        engine.report("s", id, 1, 0.5, 1, "");
        engine.report("s", id, 2, 0.4, 1, "");
        engine.expireLeasesAt(FAR_FUTURE);
        Asked again = engine.ask("s", 1, "w2").get(0);
        assertFalse(again.resumed());
        assertEquals(0.0, again.resumeStep());
        assertEquals(Decision.CONTINUE, engine.report("s", id, 1, 0.45, again.attempt(), "").decision(),
                "the restarted attempt may report step 1 again");
    }

    /** A repeat of an ask whose trial was handed out again since gets the attempt that ask handed out, also after a restart. */
    @Test
    void aRepeatedAskWhoseTrialWasHandedOutAgainIsAnsweredItsOwnAttempt() throws Exception {
        engine.createStudy(spec("s", "none"));
        Asked first = engine.ask("s", 1, "w1", "ask-1").get(0);
        long id = first.info().trial().id();
        engine.expireLeasesAt(FAR_FUTURE);
        assertEquals(2, engine.ask("s", 1, "w2").get(0).attempt(), "the requeued trial is handed out again");
        assertEquals(List.of(id, 1L), attemptOf(engine.ask("s", 1, "w1", "ask-1").get(0)));
        restart();
        assertEquals(List.of(id, 1L), attemptOf(engine.ask("s", 1, "w1", "ask-1").get(0)), "from the stored trials");
        assertEquals(EngineException.Code.FAILED_PRECONDITION, code(() -> engine.report("s", id, 1, 0.5, 1, "")));
        assertEquals(Decision.CONTINUE, engine.report("s", id, 1, 0.5, 2, "").decision(), "w2 holds the trial");
    }

    private static List<Long> attemptOf(Asked a) {
        return List.of(a.info().trial().id(), (long) a.attempt());
    }

    /** Pauses every trial at step 3 of budget 3; promotes the first paused trial to budget 9. */
    private static final class PauseAndPromote implements Scheduler {
        @Override
        public void validate(SchedulerContext ctx) {
            if (ctx.configDouble("eta", 3) < 2) {
                throw new UnsuitableStudyException("config.eta", "must be >= 2");
            }
            if (ctx.fidelity().isEmpty()) {
                throw new UnsuitableStudyException("fidelity", "is required");
            }
        }

        @Override
        public Verdict onReport(SchedulerContext ctx, Trial trial) {
            return trial.lastIntermediate().step() >= 3 && trial.budget() == 3
                    ? Verdict.of(Decision.PAUSE, 0, "rung 0 reached") : Verdict.proceed();
        }

        @Override
        public Optional<Promotion> promote(SchedulerContext ctx) {
            return ctx.trials().stream().filter(t -> t.state() == TrialState.PAUSED).findFirst()
                    .map(t -> new Promotion(t.id(), 9, "best of rung 0"));
        }

        @Override
        public OptionalDouble initialBudget(SchedulerContext ctx, int trialNumber) {
            return OptionalDouble.of(3);
        }
    }

    @Test
    void aPausedTrialIsPromotedWithItsCheckpointAndTheDecisionsAreRecorded() throws Exception {
        plugins.schedulers.put("pp", new PauseAndPromote());
        engine.createStudy(spec("s", "pp"));
        Asked a = engine.ask("s", 1, "w1").get(0);
        assertEquals(3.0, a.info().trial().budget(), "the scheduler's initial budget");
        long id = a.info().trial().id();
        engine.report("s", id, 1, 0.9, a.attempt(), "c1");
        engine.report("s", id, 2, 0.8, a.attempt(), "c2");
        Verdict v = engine.report("s", id, 3, 0.7, a.attempt(), "c3");
        assertEquals(Decision.PAUSE, v.decision());
        assertEquals(0, v.rung());
        assertEquals(Decision.PAUSE, engine.report("s", id, 3, 0.7, a.attempt(), "c3").decision(), "a retried report gets the same answer");

        Asked promoted = engine.ask("s", 1, "w2").get(0);
        assertEquals(id, promoted.info().trial().id());
        assertEquals(HandOut.PROMOTED, promoted.handOut());
        assertTrue(promoted.resumed());
        assertEquals("c3", promoted.checkpoint());
        assertEquals(3.0, promoted.resumeStep());
        assertEquals(9.0, promoted.info().trial().budget());
        assertEquals(2, promoted.attempt());
        assertEquals(EngineException.Code.INVALID_ARGUMENT, code(() -> engine.report("s", id, 3, 0.6, 2, "")),
                "steps go on from the checkpoint");
        // The first worker's client lost the answer to its pausing report and repeats it after the promotion.
        Verdict repeated = engine.report("s", id, 3, 0.7, a.attempt(), "c3");
        assertEquals(List.of(Decision.PAUSE, 0, "rung 0 reached"), List.of(repeated.decision(), repeated.rung(), repeated.reason()),
                "a repeated report of a superseded attempt gets the first answer");
        assertEquals(EngineException.Code.FAILED_PRECONDITION, code(() -> engine.report("s", id, 3, 0.65, a.attempt(), "")),
                "another value at that step is no repeat: the superseded attempt is fenced");
        assertEquals(EngineException.Code.FAILED_PRECONDITION, code(() -> engine.report("s", id, 4, 0.6, a.attempt(), "")),
                "a later step of the superseded attempt is fenced");
        engine.report("s", id, 4, 0.6, 2, "");

        restart();
        List<DecisionRecord> d = engine.getTrial("s", id).decisions();
        assertEquals(List.of("PAUSE", "PROMOTE"), d.stream().map(DecisionRecord::decision).toList());
        assertEquals("rung 0 reached", d.get(0).reason());
        assertTrue(d.get(1).reason().contains("best of rung 0"));
        assertEquals(Decision.PAUSE, engine.report("s", id, 3, 0.7, a.attempt(), "c3").decision(),
                "answered from what the store kept");
        assertEquals(2, engine.getTrial("s", id).attempts(), "the repeat changed nothing");
    }

    /**
     * The engine's training clock: {@code train_seconds} counts from each hand-out to the attempt's
     * reports and tell, not the time a trial waits paused, and is kept across a restart.
     */
    @Test
    void trainSecondsCountTheTimeWorkersSpentOnATrialAcrossAttempts() throws Exception {
        java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong(1_000_000);
        engine.setTrainingClock(() -> java.time.Instant.ofEpochMilli(millis.get()));
        plugins.schedulers.put("pp", new PauseAndPromote());
        engine.createStudy(spec("s", "pp"));
        Asked a = engine.ask("s", 1, "w1").get(0);
        long id = a.info().trial().id();
        assertEquals(null, engine.getTrial("s", id).trial().attributes().get(Trial.TRAIN_SECONDS), "nothing reported yet");
        millis.addAndGet(1500);
        engine.report("s", id, 1, 0.9, a.attempt(), "c1");
        assertEquals("1.500", engine.getTrial("s", id).trial().attributes().get(Trial.TRAIN_SECONDS));
        millis.addAndGet(2000);
        engine.report("s", id, 2, 0.8, a.attempt(), "c2");
        millis.addAndGet(2250);
        assertEquals(Decision.PAUSE, engine.report("s", id, 3, 0.7, a.attempt(), "c3").decision());
        assertEquals("5.750", engine.getTrial("s", id).trial().attributes().get(Trial.TRAIN_SECONDS));

        millis.addAndGet(60_000); // paused: waiting for a promotion is not training
        Asked promoted = engine.ask("s", 1, "w2").get(0);
        assertEquals(HandOut.PROMOTED, promoted.handOut());
        millis.addAndGet(1000);
        engine.report("s", id, 4, 0.6, promoted.attempt(), "");
        millis.addAndGet(250);
        engine.tell("s", id, Outcome.complete(List.of(0.5)), "", promoted.attempt(), "");
        assertEquals("7.000", engine.getTrial("s", id).trial().attributes().get(Trial.TRAIN_SECONDS));
        restart();
        assertEquals("7.000", engine.getTrial("s", id).trial().attributes().get(Trial.TRAIN_SECONDS), "stored with the trial");
    }

    @Test
    void aSchedulerRefusesAStudyItCannotWorkWithNamingTheField() {
        plugins.schedulers.put("pp", new PauseAndPromote());
        StudySpec good = spec("s", "pp");
        StudySpec badEta = new StudySpec("s", SPACE, LOSS, good.sampler(), new PluginRef("pp", "", Map.of("eta", "1")),
                good.fidelity(), good.leaseMillis(), good.onLeaseExpired(), good.maxAttempts(), 1000, 1000);
        assertEquals("scheduler.config.eta", assertThrows(EngineException.class, () -> engine.createStudy(badEta)).field());
        StudySpec noFidelity = new StudySpec("s", SPACE, LOSS, good.sampler(), PluginRef.of("pp"), null,
                good.leaseMillis(), good.onLeaseExpired(), good.maxAttempts(), 1000, 1000);
        assertEquals("fidelity", assertThrows(EngineException.class, () -> engine.createStudy(noFidelity)).field());
    }

    @Test
    void aCloneStartsFromItsParentsCheckpointWithTheNewConfig() throws Exception {
        plugins.schedulers.put("cloner", new Scheduler() {
            @Override
            public Verdict onReport(SchedulerContext ctx, Trial trial) {
                return Verdict.proceed();
            }

            @Override
            public Optional<Clone> exploit(SchedulerContext ctx) {
                return ctx.trials().stream().filter(Trial::hasCheckpoint).findFirst()
                        .filter(p -> ctx.trials().stream().noneMatch(t -> t.parentTrialId() == p.id()))
                        .map(p -> new Clone(p.id(), new Config(Map.of("lr", 0.5)), 0, "exploit"));
            }
        });
        engine.createStudy(spec("s", "cloner"));
        Asked parent = engine.ask("s", 1, "w1").get(0);
        assertEquals(HandOut.NEW, parent.handOut());
        long pid = parent.info().trial().id();
        engine.report("s", pid, 4, 0.3, parent.attempt(), "parent-at-4");
        Asked clone = engine.ask("s", 1, "w2").get(0);
        assertEquals(HandOut.CLONED, clone.handOut());
        assertTrue(clone.resumed());
        assertEquals("parent-at-4", clone.checkpoint());
        assertEquals(4.0, clone.resumeStep());
        assertEquals(pid, clone.info().parentTrialId());
        assertEquals(0.5, clone.info().trial().config().getDouble("lr"));
        restart();
        TrialInfo t = engine.getTrial("s", clone.info().trial().id());
        assertEquals(pid, t.parentTrialId());
        assertEquals(4.0, t.parentStep());
        assertEquals(HandOut.NEW, engine.ask("s", 1, "w3").get(0).handOut(), "one clone per parent here");
    }
}
