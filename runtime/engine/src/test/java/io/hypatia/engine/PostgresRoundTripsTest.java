package io.hypatia.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.StudyEngine.Outcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Database round trips per call on the PostgreSQL store, counted where the JDBC driver ends each
 * exchange with the server (its "Sync" message, logged at FINEST; a BEGIN rides along with the first query): one client,
 * one gateway, so every call is a transaction of its own. Guards the cost of the guarded call.
 */
class PostgresRoundTripsTest extends EngineTestBase {
    private static final Logger DRIVER = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");
    private final AtomicInteger exchanges = new AtomicInteger();
    private final Handler counter = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String m = r.getMessage();
            if (Thread.currentThread() == client && " FE=> Sync".equals(m)) { // not the lease reaper's queries
                exchanges.incrementAndGet();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level before;
    private Thread client;

    @Override
    boolean onPostgres() {
        return true;
    }

    @BeforeEach
    void count() {
        client = Thread.currentThread();
        before = DRIVER.getLevel();
        DRIVER.setLevel(Level.FINEST);
        DRIVER.addHandler(counter);
    }

    @AfterEach
    void stopCounting() {
        DRIVER.removeHandler(counter);
        DRIVER.setLevel(before);
    }

    @Test
    void askReportAndTellEachTakeFewRoundTrips() {
        SearchSpace space = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));
        StudySpec base = StudySpec.of("s", space, List.of(new Objective("loss", Direction.MINIMIZE)),
                new PluginRef("random", "", Map.of("seed", "1")));
        engine.createStudy(new StudySpec(base.name(), base.space(), base.objectives(), base.sampler(), PluginRef.of("none"),
                new Fidelity("epoch", 1, 9), base.leaseMillis(), base.onLeaseExpired(), base.maxAttempts(),
                base.samplerTimeoutMillis(), base.schedulerTimeoutMillis()));
        int rounds = 40;
        int asks = 0;
        int reports = 0;
        int tells = 0;
        for (int i = 0; i < rounds + 5; i++) {
            exchanges.set(0);
            long id = engine.ask("s", 1, "w").get(0).info().trial().id();
            int ask = exchanges.getAndSet(0);
            engine.report("s", id, 1, 0.5, 1, "");
            int report = exchanges.getAndSet(0);
            assertEquals(TrialState.COMPLETE, engine.tell("s", id, Outcome.complete(List.of(0.5)), "t" + i).trial().state());
            int tell = exchanges.getAndSet(0);
            if (i >= 5) { // after the first blocks of trial ids and the driver's statement cache are warm
                asks += ask;
                reports += report;
                tells += tell;
            }
        }
        System.out.printf("PostgreSQL round trips per call: ask %.2f, report %.2f, tell %.2f%n",
                asks / (double) rounds, reports / (double) rounds, tells / (double) rounds);
        assertTrue(asks > 0 && reports > 0 && tells > 0, "the driver's exchanges were counted");
        // One client: each call is a transaction of its own. Lock + version bump + change stamp in one
        // round trip, the writes batched per statement, the commit (a read-only step rolls back instead):
        // ask = read step 2 + create step 3 (+ 1 per 64 trials for a block of ids), report = 1 + values + row + 1, tell = 1 + row + 1. (Before: 6.1, 5.2, 4.)
        assertTrue(asks <= rounds * 5 + 1, "ask round trips " + asks / (double) rounds);
        assertTrue(reports <= rounds * 4, "report round trips " + reports / (double) rounds);
        assertTrue(tells <= rounds * 3, "tell round trips " + tells / (double) rounds);
    }
}
