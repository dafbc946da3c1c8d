package io.hypatia.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.StudyEngine.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Studies are read from the store on first use after a restart and dropped from memory when idle
 * (never while a trial runs), on a real SQLite store. Idle time is driven through the engine's
 * explicit-clock entry point, never by sleeping.
 */
class LazyStudiesTest extends EngineTestBase {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));
    private static final List<Objective> LOSS = List.of(new Objective("y", Direction.MINIMIZE));
    private static final long MINUTE = 60_000;


    private void create(String name) {
        engine.createStudy(StudySpec.of(name, SPACE, LOSS, new PluginRef("random", "", Map.of("seed", "1"))));
    }

    /** Asks {@code n} trials and completes them with value = trial number. */
    private void complete(String study, int n) {
        for (StudyEngine.Asked a : engine.ask(study, n, "w")) {
            engine.tell(study, a.info().trial().id(), Outcome.complete(List.of((double) a.info().trial().number())), "");
        }
    }

    private static List<String> summaries(List<StudyInfo> studies) {
        return studies.stream().map(s -> s.id() + " " + s.spec().name() + " " + s.createdAt() + " " + s.trialCounts()).toList();
    }

    private static List<Long> ids(List<TrialInfo> trials) {
        return trials.stream().map(t -> t.trial().id()).toList();
    }

    @Test
    void aRestartReadsSpecsAndCountsOnlyAndEachStudyOnItsFirstUse() throws Exception {
        for (int i = 0; i < 20; i++) {
            create("s" + i);
            complete("s" + i, 3 + i);
        }
        for (StudyEngine.Asked a : engine.ask("s5", 2, "w")) {
            engine.tell("s5", a.info().trial().id(), Outcome.failed("test"), "");
        }
        List<String> before = summaries(engine.listStudies());
        List<Long> s7Trials = ids(engine.listTrials("s7", Set.of()));
        long largestId = engine.listStudies().stream().mapToLong(s -> engine.listTrials(s.spec().name(), Set.of()).stream()
                .mapToLong(t -> t.trial().id()).max().orElse(0)).max().orElseThrow();
        restart();
        assertEquals(0, engine.studiesInMemory(), "a restart reads no trials");
        assertEquals(before, summaries(engine.listStudies()), "specs and trial counts come without the trials");
        assertEquals(0, engine.studiesInMemory());
        assertEquals(s7Trials, ids(engine.listTrials("s7", Set.of())));
        assertEquals(1, engine.studiesInMemory(), "only the study used is read");
        StudyEngine.Asked next = engine.ask("s7", 1, "w").get(0);
        assertEquals(s7Trials.size(), next.info().trial().number(), "numbers go on densely");
        assertTrue(next.info().trial().id() > largestId, "ids are never reused");
        assertEquals(0.0, engine.bestTrials("s3").get(0).trial().values().get(0), "best trials are rebuilt when read");
        assertEquals(2, engine.studiesInMemory());
    }

    @Test
    void concurrentFirstCallsAfterARestartShareOneCopyOfTheStudy() throws Exception {
        create("c");
        complete("c", 40);
        restart();
        int threads = 16;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Long>> told = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int k = i;
            told.add(pool.submit(() -> {
                go.await();
                // every kind of first call at once: reads, an ask and a tell
                engine.getTrial("c", engine.listTrials("c", Set.of(), 0, 1).get(0).trial().id());
                long id = engine.ask("c", 1, "w" + k).get(0).info().trial().id();
                engine.tell("c", id, Outcome.complete(List.of(-1.0 - k)), "t" + k);
                return id;
            }));
        }
        go.countDown();
        Set<Long> ids = new HashSet<>();
        for (Future<Long> f : told) {
            ids.add(f.get());
        }
        pool.shutdown();
        List<TrialInfo> all = engine.listTrials("c", Set.of());
        assertEquals(40 + threads, all.size());
        assertEquals(threads, ids.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i, all.get(i).trial().number(), "dense and unique numbers");
            assertEquals(TrialState.COMPLETE, all.get(i).trial().state());
        }
        assertEquals(-1.0 - (threads - 1), engine.bestTrials("c").get(0).trial().values().get(0));
        restart();
        assertEquals(ids(all), ids(engine.listTrials("c", Set.of())), "the store holds what memory held");
        assertEquals(40 + threads, engine.getStudy("c").trialCounts().get(TrialState.COMPLETE));
    }

    @Test
    void idleStudiesAreDroppedFromMemoryButNeverOneWithARunningTrial() throws Exception {
        engine.setStudyIdleEvictMillis(MINUTE);
        create("idle");
        create("busy");
        complete("idle", 10);
        complete("busy", 3);
        long running = engine.ask("busy", 1, "w").get(0).info().trial().id();
        List<Long> replayed = ids(engine.ask("idle", 2, "w", "req-1").stream().map(StudyEngine.Asked::info).toList());
        for (long id : replayed) {
            engine.tell("idle", id, Outcome.complete(List.of(-5.0)), "");
        }
        StudyInfo idleBefore = engine.getStudy("idle");
        List<TrialInfo> bestBefore = engine.bestTrials("idle");
        long now = System.currentTimeMillis();
        assertEquals(0, engine.evictIdleStudiesAt(now), "nothing is idle yet");
        assertEquals(1, engine.evictIdleStudiesAt(now + 2 * MINUTE), "only the study without RUNNING trials goes");
        assertEquals(1, engine.studiesInMemory());
        assertEquals(idleBefore.trialCounts(), engine.getStudy("idle").trialCounts(), "its counts stay known");
        assertEquals(onPostgres() ? 2 : 1, engine.studiesInMemory());
        assertEquals(ids(bestBefore), ids(engine.bestTrials("idle")));
        assertEquals(replayed, ids(engine.ask("idle", 2, "w", "req-1").stream().map(StudyEngine.Asked::info).toList()),
                "an ask retried with its request id is answered the same trials after the study was dropped");
        assertEquals(12, engine.ask("idle", 1, "w").get(0).info().trial().number());
        engine.tell("busy", running, Outcome.complete(List.of(1.0)), "");
        // Both idle again; with eviction turned off neither is dropped.
        engine.setStudyIdleEvictMillis(0);
        assertEquals(0, engine.evictIdleStudiesAt(now + 60 * MINUTE));
        engine.setStudyIdleEvictMillis(MINUTE);
        engine.tell("idle", engine.listTrials("idle", Set.of(TrialState.RUNNING)).get(0).trial().id(), Outcome.failed("x"), "");
        assertEquals(2, engine.evictIdleStudiesAt(System.currentTimeMillis() + 2 * MINUTE));
        assertEquals(0, engine.studiesInMemory());
        assertEquals(idleBefore.trialCounts().get(TrialState.COMPLETE), engine.getStudy("idle").trialCounts().get(TrialState.COMPLETE));
        assertEquals(1, engine.getStudy("idle").trialCounts().get(TrialState.FAILED));
        assertEquals(List.of(TrialState.COMPLETE, TrialState.COMPLETE, TrialState.COMPLETE, TrialState.COMPLETE),
                engine.listTrials("busy", Set.of()).stream().map(t -> t.trial().state()).toList());
    }

    /** What the running_trials quota reads, against a count over the tenant's trials. */
    private int runningOf(String tenant) {
        return engine.listStudies().stream().filter(s -> s.spec().name().startsWith(tenant + "."))
                .mapToInt(s -> s.trialCounts().get(TrialState.RUNNING)).sum();
    }

    @Test
    void runningTrialsPerTenantAreKeptThroughRestartsEvictionAndDeletes() throws Exception {
        engine.setStudyIdleEvictMillis(MINUTE);
        for (String name : List.of("alice.x", "alice.y", "bob.z", "alice.done")) {
            create(name);
        }
        engine.ask("alice.x", 3, "w");
        List<StudyEngine.Asked> y = engine.ask("alice.y", 2, "w");
        engine.ask("bob.z", 4, "w");
        complete("alice.done", 5);
        engine.tell("alice.y", y.get(0).info().trial().id(), Outcome.failed("x"), "");
        assertEquals(4, engine.runningTrials("alice"));
        assertEquals(4, engine.runningTrials("bob"));
        restart();
        engine.setStudyIdleEvictMillis(MINUTE);
        assertEquals(4, engine.runningTrials("alice"), "from the store's counts, before any study is read");
        assertEquals(runningOf("alice"), engine.runningTrials("alice"));
        engine.tell("alice.y", y.get(1).info().trial().id(), Outcome.complete(List.of(1.0)), ""); // reads alice.y
        engine.ask("alice.done", 1, "w"); // reads alice.done
        assertEquals(4, engine.runningTrials("alice"));
        engine.tell("alice.done", engine.listTrials("alice.done", Set.of(TrialState.RUNNING)).get(0).trial().id(),
                Outcome.failed("x"), "");
        assertEquals(2, engine.evictIdleStudiesAt(System.currentTimeMillis() + 2 * MINUTE), "alice.y and alice.done");
        engine.ask("alice.y", 2, "w"); // read again after the eviction
        assertEquals(5, engine.runningTrials("alice"));
        assertEquals(runningOf("alice"), engine.runningTrials("alice"));
        engine.deleteStudy("alice.x");
        assertEquals(2, engine.runningTrials("alice"));
        assertEquals(4, engine.runningTrials("bob"));
        assertEquals(0, engine.runningTrials("carol"));
    }

    @Test
    void aStudyWithRunningTrialsAtStartUpIsReadForItsLeases() throws Exception {
        create("lease");
        complete("lease", 2);
        long id = engine.ask("lease", 1, "w").get(0).info().trial().id();
        restart();
        // The reaper (here driven with a clock past the lease) reads the study to expire the lease.
        engine.expireLeasesAt(System.currentTimeMillis() + 365L * 24 * 3600 * 1000);
        assertEquals(TrialState.WAITING, engine.getTrial("lease", id).trial().state(), "requeued after the lease");
        assertEquals(1, engine.getStudy("lease").trialCounts().get(TrialState.WAITING));
    }

    @Test
    void aRestartParsesNoSpecUntilAStudyIsUsedCreatedOverOrListed() throws Exception {
        for (int i = 0; i < 6; i++) {
            create("p" + i);
            complete("p" + i, 2 + i);
        }
        engine.ask("p2", 1, "w"); // RUNNING at the restart: its spec is parsed for its lease
        List<String> before = summaries(engine.listStudies());
        restart();
        boolean embedded = !onPostgres(); // a shared store looks studies up by name on use instead
        if (embedded) {
            assertEquals(5, engine.studiesWithSpecUnread(), "only the study with a RUNNING trial is parsed");
        }
        if (embedded) {
            assertEquals(new StudyEngine.StudyTotals(6, 2 + 3 + 4 + 5 + 6 + 7 + 1), engine.studyTotals(), "totals parse nothing");
        }
        assertEquals(1, engine.runningTrials(""));
        EngineException taken = org.junit.jupiter.api.Assertions.assertThrows(EngineException.class, () -> create("p0"));
        assertEquals(EngineException.Code.ALREADY_EXISTS, taken.code(), "an unparsed study's name is taken");
        // Many first calls at once parse the study once: one copy, its counts intact.
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<StudyInfo>> infos = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 8; i++) {
            infos.add(pool.submit(() -> {
                go.await();
                return engine.getStudy("p1");
            }));
        }
        go.countDown();
        for (Future<StudyInfo> f : infos) {
            assertEquals(3, f.get().trialCounts().get(TrialState.COMPLETE));
        }
        pool.shutdown();
        if (embedded) {
            assertEquals(4, engine.studiesWithSpecUnread(), "p1 only");
        }
        engine.deleteStudy("p3");
        create("p3"); // deleted, so free again
        assertEquals(0, engine.getStudy("p3").trialCounts().get(TrialState.COMPLETE));
        assertEquals(1, engine.runningTrials(""), "no study counted twice");
        List<String> after = summaries(engine.listStudies());
        assertEquals(0, engine.studiesWithSpecUnread(), "listing parses every spec");
        assertEquals(before.stream().filter(s -> !s.contains(" p3 ")).toList(), after.stream().filter(s -> !s.contains(" p3 ")).toList());
        StudyEngine.Asked next = engine.ask("p4", 1, "w").get(0);
        assertEquals(6, next.info().trial().number(), "an unparsed study goes on where it was");
    }
}
