package io.hypatia.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Promotion;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.StudyEngine.Asked;
import io.hypatia.engine.StudyEngine.Outcome;
import io.hypatia.engine.store.PostgresStore;
import io.hypatia.engine.store.TestPostgres;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines (two gateways) on one PostgreSQL database, driven concurrently: what one does,
 * the other sees; trial numbers stay dense and unique, a tell is stored once, a paused trial
 * is promoted once.
 */
class SharedStoreTest {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));
    private static final List<Objective> LOSS = List.of(new Objective("loss", Direction.MINIMIZE));
    private static final long FAR_FUTURE = Long.MAX_VALUE / 2;

    private TestPostgres.Database database;
    private final List<AutoCloseable> open = new ArrayList<>();
    private StudyEngine a;
    private StudyEngine b;

    @BeforeEach
    void start() throws Exception {
        database = TestPostgres.createDatabase();
        a = gateway();
        b = gateway();
    }

    private StudyEngine gateway() throws Exception {
        PostgresStore store = database.open();
        TestPlugins plugins = new TestPlugins();
        plugins.schedulers.put("pause-at-1", new PauseAtOneAndPromote());
        StudyEngine engine = new StudyEngine(store, plugins);
        open.add(store);
        open.add(engine);
        return engine;
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (database != null) { // null when the test was skipped for want of a server
            database.drop();
        }
    }

    private static StudySpec spec(String name, String scheduler) {
        StudySpec s = StudySpec.of(name, SPACE, LOSS, new PluginRef("random", "", Map.of("seed", "3")));
        return new StudySpec(s.name(), s.space(), s.objectives(), s.sampler(), PluginRef.of(scheduler),
                scheduler.equals("none") ? null : new Fidelity("epoch", 1, 9), s.leaseMillis(), s.onLeaseExpired(),
                s.maxAttempts(), s.samplerTimeoutMillis(), s.schedulerTimeoutMillis());
    }

    @Test
    void studiesCreatedAndDeletedOnOneGatewayAreSeenByTheOther() {
        a.createStudy(spec("s", "none"));
        assertEquals(EngineException.Code.ALREADY_EXISTS,
                assertThrows(EngineException.class, () -> b.createStudy(spec("s", "none"))).code());
        long id = b.ask("s", 1, "w").get(0).info().trial().id();
        assertEquals(TrialState.RUNNING, a.getTrial("s", id).trial().state());
        a.tell("s", id, Outcome.complete(List.of(0.5)), "t1");
        assertEquals(TrialState.COMPLETE, b.getTrial("s", id).trial().state());
        assertEquals(List.of("s"), b.listStudies().stream().map(i -> i.spec().name()).toList());

        b.deleteStudy("s");
        assertEquals(EngineException.Code.NOT_FOUND, assertThrows(EngineException.class, () -> a.getStudy("s")).code());
        assertTrue(a.listStudies().isEmpty());
        a.createStudy(spec("s", "none"));
        assertEquals(0, b.ask("s", 1, "w").get(0).info().trial().number(), "the new study of that name starts afresh");
    }

    /** A listing is one query on the store: specs and trial counts as the store has them, and no study's trials read. */
    @Test
    void aListingShowsEachStudysCountsAndCurrentSpecWithoutReadingTrials() {
        a.createStudy(spec("m", "pause-at-1"));
        a.createStudy(spec("flat", "none"));
        List<Asked> asked = a.ask("flat", 3, "w");
        a.tell("flat", asked.get(0).info().trial().id(), Outcome.complete(List.of(0.5)), "t1");
        a.tell("flat", asked.get(1).info().trial().id(), Outcome.failed("oom"), "t2");
        a.raiseMaxBudget("m", 27);

        List<StudyInfo> listed = b.listStudies();
        assertEquals(0, b.studiesInMemory(), "listing read no study's trials");
        assertEquals(List.of("m", "flat"), listed.stream().map(i -> i.spec().name()).toList(), "by id");
        assertEquals(27, listed.get(0).spec().fidelity().max(), "the spec another gateway changed");
        assertEquals(a.getStudy("flat").trialCounts(), listed.get(1).trialCounts());
        assertEquals(Map.of(TrialState.RUNNING, 1, TrialState.COMPLETE, 1, TrialState.FAILED, 1),
                Map.copyOf(listed.get(1).trialCounts().entrySet().stream().filter(e -> e.getValue() > 0)
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
        assertEquals(a.getStudy("m").trialCounts(), listed.get(0).trialCounts());
        assertEquals(a.listStudies().stream().map(i -> i.id() + " " + i.spec() + " " + i.trialCounts()).toList(),
                listed.stream().map(i -> i.id() + " " + i.spec() + " " + i.trialCounts()).toList(), "both gateways list the same");

        a.deleteStudy("flat");
        assertEquals(List.of("m"), b.listStudies().stream().map(i -> i.spec().name()).toList());
        assertEquals(0, b.ask("m", 1, "w").get(0).info().trial().number(), "a study first seen in a listing is used as usual");
    }

    @Test
    void idempotentAsksTellsAndLeaseExpiryHoldAcrossGateways() {
        a.createStudy(spec("s", "none"));
        Asked first = a.ask("s", 2, "w", "ask-1").get(0);
        List<Asked> retried = b.ask("s", 2, "w", "ask-1");
        assertEquals(first.info().trial().id(), retried.get(0).info().trial().id(), "a retried ask answers the same trials");
        long id = first.info().trial().id();
        a.tell("s", id, Outcome.complete(List.of(0.1)), "tell-1");
        assertEquals(0.1, b.tell("s", id, Outcome.complete(List.of(0.1)), "tell-1").trial().values().get(0));
        assertEquals(EngineException.Code.FAILED_PRECONDITION, assertThrows(EngineException.class,
                () -> b.tell("s", id, Outcome.complete(List.of(0.2)), "tell-2")).code());

        long other = retried.get(1).info().trial().id();
        b.expireLeasesAt(FAR_FUTURE);
        assertEquals(TrialState.WAITING, a.getTrial("s", other).trial().state());
        a.expireLeasesAt(FAR_FUTURE);
        assertEquals(1, a.getTrial("s", other).decisions().size(), "one gateway expired the lease, once");
        Asked again = a.ask("s", 1, "w2").get(0);
        assertEquals(other, again.info().trial().id());
        assertEquals(2, again.attempt());
    }

    /**
     * The case SharedStoreIT found: a worker's report paused its trial on gateway a, whose answer
     * was lost (the gateway was killed, or the call passed its deadline); another worker's ask on
     * gateway b promoted the trial (attempt 2); then the first worker's client repeated the report
     * on gateway b. It must get the first answer (PAUSE), not be refused as a superseded attempt,
     * and the trial must stay with the second worker.
     */
    @Test
    void aPausingReportRepeatedOnAnotherGatewayAfterThePromotionGetsTheFirstAnswer() {
        a.createStudy(spec("r", "pause-at-1"));
        Asked first = a.ask("r", 1, "w1", "ask-1").get(0);
        long id = first.info().trial().id();
        Verdict paused = a.report("r", id, 1, 0.25, first.attempt(), "ckpt-1");
        assertEquals(Decision.PAUSE, paused.decision());

        Asked promoted = b.ask("r", 1, "w2", "ask-2").get(0);
        assertEquals(id, promoted.info().trial().id(), "the paused trial is promoted");
        assertEquals(2, promoted.attempt());

        Verdict repeated = b.report("r", id, 1, 0.25, first.attempt(), "ckpt-1");
        assertEquals(List.of(paused.decision(), paused.rung(), paused.reason()),
                List.of(repeated.decision(), repeated.rung(), repeated.reason()), "the repeat is answered as the first");
        assertEquals(Decision.PAUSE, a.report("r", id, 1, 0.25, first.attempt(), "ckpt-1").decision(), "on either gateway");
        assertEquals(EngineException.Code.FAILED_PRECONDITION, assertThrows(EngineException.class,
                () -> b.report("r", id, 2, 0.2, first.attempt(), "")).code(), "the superseded attempt cannot go on");
        TrialInfo now = a.getTrial("r", id);
        assertEquals(TrialState.RUNNING, now.trial().state());
        assertEquals(2, now.attempts());
        assertEquals("w2", now.worker());
        assertEquals(Decision.CONTINUE, b.report("r", id, 2, 0.2, promoted.attempt(), "").decision(), "the promoted attempt goes on");
    }

    /**
     * An ask whose answer was lost and whose trial was handed out again before the client's repeat
     * came (here: its lease expired, then an ask without a request id took it) is answered the
     * attempt it handed out, on any gateway and on one that read the study afresh: its worker is
     * fenced, instead of being handed the attempt the other worker holds.
     */
    @Test
    void anAskRepeatedAfterItsTrialWasHandedOutAgainGetsItsOwnSupersededAttempt() throws Exception {
        a.createStudy(spec("q", "none"));
        Asked first = a.ask("q", 1, "w1", "ask-1").get(0);
        long id = first.info().trial().id();
        b.expireLeasesAt(FAR_FUTURE);
        Asked second = b.ask("q", 1, "w2").get(0);
        assertEquals(id, second.info().trial().id(), "the requeued trial is handed out again");
        assertEquals(2, second.attempt());
        for (StudyEngine gateway : List.of(a, b, gateway())) { // the third reads the study from the store
            Asked repeated = gateway.ask("q", 1, "w1", "ask-1").get(0);
            assertEquals(id, repeated.info().trial().id(), "a repeat answers the first ask's trial");
            assertEquals(1, repeated.attempt(), "... at the attempt it handed out, not the one w2 holds");
            assertEquals(EngineException.Code.FAILED_PRECONDITION, assertThrows(EngineException.class,
                    () -> gateway.tell("q", id, Outcome.complete(List.of(0.3)), "tell-w1", repeated.attempt(), "")).code());
        }
        TrialInfo now = b.getTrial("q", id);
        assertEquals(List.of(TrialState.RUNNING, 2, "w2"), List.of(now.trial().state(), now.attempts(), now.worker()));
        assertEquals(0.4, a.tell("q", id, Outcome.complete(List.of(0.4)), "tell-w2", second.attempt(), "").trial().values().get(0));
    }

    @Test
    void concurrentClientsOnTwoGatewaysKeepNumbersDenseTellsSingleAndPromotionsUnique() throws Exception {
        a.createStudy(spec("plain", "none"));
        a.createStudy(spec("rungs", "pause-at-1"));
        int clients = 8;
        int perClient = 15;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        Map<Long, Double> told = new ConcurrentHashMap<>();
        AtomicInteger finished = new AtomicInteger();
        List<Future<?>> work = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            work.add(pool.submit(() -> {
                for (int i = 0; i < perClient; i++) {
                    // each call goes to either gateway, as behind a round-robin address
                    StudyEngine ask = (client + i) % 2 == 0 ? a : b;
                    StudyEngine tell = (client + i) % 2 == 0 ? b : a;
                    Asked t = ask.ask("plain", 1, "w" + client, "plain-" + client + "-" + i).get(0);
                    double y = t.info().trial().config().getDouble("x");
                    long id = t.info().trial().id();
                    tell.tell("plain", id, Outcome.complete(List.of(y)), "tell-" + id);
                    ask.tell("plain", id, Outcome.complete(List.of(y)), "tell-" + id); // a retry on the other gateway
                    told.put(id, y);

                    Asked r = tell.ask("rungs", 1, "w" + client).get(0);
                    long rid = r.info().trial().id();
                    if (r.info().trial().budget() < 9) {
                        Verdict v = ask.report("rungs", rid, 1, y, r.attempt(), "ckpt-" + rid);
                        if (v.decision() == Decision.PAUSE) {
                            continue;
                        }
                    }
                    tell.tell("rungs", rid, Outcome.complete(List.of(y)), "done-" + rid, r.attempt(), "");
                    finished.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();

        List<TrialInfo> plain = b.listTrials("plain", Set.of());
        assertEquals(clients * perClient, plain.size());
        assertEquals(clients * perClient, told.size());
        for (int n = 0; n < plain.size(); n++) {
            TrialInfo t = plain.get(n);
            assertEquals(n, t.trial().number(), "numbers are dense and unique");
            assertEquals(TrialState.COMPLETE, t.trial().state());
            assertEquals(told.get(t.trial().id()), t.trial().values().get(0));
            assertEquals(1, t.attempts());
        }

        List<TrialInfo> rungs = a.listTrials("rungs", Set.of());
        Set<Integer> numbers = new HashSet<>();
        long allPromotions = 0;
        for (TrialInfo t : rungs) {
            numbers.add(t.trial().number());
            long promotions = t.decisions().stream().filter(d -> d.decision().equals("PROMOTE")).count();
            assertTrue(promotions <= 1, "trial " + t.trial().id() + " promoted " + promotions + " times");
            assertEquals(1 + promotions, t.attempts(), "trial " + t.trial().id() + " handed out once, then once per promotion");
            allPromotions += promotions;
        }
        assertEquals(clients * perClient, rungs.size() + allPromotions, "every ask created a trial or promoted one");
        assertEquals(finished.get(), rungs.stream().filter(t -> t.trial().state() == TrialState.COMPLETE).count());
        assertEquals(rungs.size(), numbers.size());
        assertEquals(rungs.size() - 1, numbers.stream().mapToInt(Integer::intValue).max().orElse(-1));
    }

    /** Pauses every trial of budget 1 at step 1 and promotes each paused trial to budget 9 (by the trials it sees). */
    private static final class PauseAtOneAndPromote implements Scheduler {
        @Override
        public Verdict onReport(SchedulerContext ctx, Trial trial) {
            return trial.budget() < 9 ? Verdict.of(Decision.PAUSE, 0, "rung 0") : Verdict.proceed();
        }

        @Override
        public Optional<Promotion> promote(SchedulerContext ctx) {
            return ctx.trials().stream().filter(t -> t.state() == TrialState.PAUSED).findFirst()
                    .map(t -> new Promotion(t.id(), 9, "rung 0 done"));
        }

        @Override
        public OptionalDouble initialBudget(SchedulerContext ctx, int trialNumber) {
            return OptionalDouble.of(1);
        }
    }
}
