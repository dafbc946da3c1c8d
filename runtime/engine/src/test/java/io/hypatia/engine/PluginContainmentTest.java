package io.hypatia.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 11 finding 11: a hanging or failing plugin holds a bounded number of threads, is quarantined, and is counted. */
class PluginContainmentTest extends EngineTestBase {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));

    /** Released at the end so hung plugin threads can finish. */
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void releaseHungPlugins() {
        never.countDown(); // before the engine closes (this runs before the base class's @AfterEach)
    }

    private void study(String name, String sampler, long timeoutMillis) {
        StudySpec base = StudySpec.of(name, SPACE, List.of(new Objective("y", Direction.MINIMIZE)), PluginRef.of(sampler));
        engine.createStudy(new StudySpec(base.name(), base.space(), base.objectives(), base.sampler(), base.scheduler(), null,
                base.leaseMillis(), base.onLeaseExpired(), base.maxAttempts(), timeoutMillis, base.schedulerTimeoutMillis()));
    }

    private static long pluginThreads(String label) {
        String prefix = "hypatia-plugin-" + label.replaceAll("[^A-Za-z0-9._-]", "_");
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    @Test
    void aHungSamplerHoldsAtMostFourThreadsAndIsQuarantined() throws Exception {
        AtomicInteger entered = new AtomicInteger();
        plugins.samplers.put("hangs", ctx -> {
            entered.incrementAndGet();
            // Ignores interrupts, like a plugin stuck in native code: the thread stays held.
            while (true) {
                try {
                    never.await();
                    return null;
                } catch (InterruptedException ignored) {
                    // keep hanging
                }
            }
        });
        engine.setPluginQuarantineMillis(3_600_000);
        study("h", "hangs", 100);
        // 12 workers ask at once, twice each.
        ExecutorService workers = Executors.newFixedThreadPool(12);
        List<Future<?>> asks = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            asks.add(workers.submit(() -> engine.ask("h", 1, "w")));
        }
        for (Future<?> f : asks) {
            f.get();
        }
        workers.shutdown();
        // Every ask was answered (by the random fallback), the plugin held at most 4 threads,
        // and after 3 faults in a row it was not called again.
        assertEquals(24, engine.getStudy("h").trialCounts().values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(pluginThreads("sampler hangs") <= PluginCalls.MAX_THREADS_PER_PLUGIN,
                "threads held: " + pluginThreads("sampler hangs"));
        // Asks serialise per study; after 3 timeouts the sampler is not called again. A call whose
        // 100 ms ran out before its pool thread started (a busy machine) is cancelled without
        // entering the plugin, so count the calls made, not the calls that entered.
        PluginFaults f = engine.pluginFaults().get("sampler hangs");
        assertEquals(PluginCalls.QUARANTINE_AFTER, f.calls(), f.toString());
        assertTrue(entered.get() <= PluginCalls.QUARANTINE_AFTER, "entered: " + entered.get());
        assertEquals(3, f.timeouts());
        assertEquals(21, f.rejected());
        assertTrue(f.quarantined());
        assertEquals(24, engine.getStudy("h").pluginFallbacks());
    }

    @Test
    void callAfterCallIsAdmittedWhileThePoolThreadsThatRanTheEarlierOnesAreSlowToReturn() throws Exception {
        // On a busy machine a pool thread that has just answered may wait long for a core before it
        // can take the next call. Held here after every call, they must not make the plugin look
        // busy: calls in progress are what is bounded, not threads on their way back to the pool.
        CountDownLatch resume = new CountDownLatch(1);
        try (PluginCalls calls = new PluginCalls(plugins)) {
            calls.afterCall = () -> {
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            for (int i = 0; i < 3 * PluginCalls.MAX_THREADS_PER_PLUGIN; i++) {
                int n = i;
                assertEquals(n, calls.call("scheduler quick", () -> n, 600_000));
            }
            assertEquals(new PluginFaults(3 * PluginCalls.MAX_THREADS_PER_PLUGIN, 0, 0, 0, false),
                    calls.faults().get("scheduler quick"));
        } finally {
            resume.countDown();
        }
    }

    @Test
    void callsInProgressAreBoundedAndAHungCallKeepsItsSlot() throws Exception {
        try (PluginCalls calls = new PluginCalls(plugins)) {
            calls.setQuarantineMillis(0); // every call after a fault probes, so the bound is what refuses
            AtomicInteger entered = new AtomicInteger();
            Callable<Integer> hang = () -> {
                entered.incrementAndGet();
                while (true) {
                    try {
                        never.await();
                        return 0;
                    } catch (InterruptedException ignored) {
                        // keep hanging, as code stuck in a native call does
                    }
                }
            };
            // Fill every slot with a hung call. A call whose 20 ms run out before its thread started
            // (a busy machine) is cancelled and gives its slot back without entering, so call until
            // MAX_THREADS_PER_PLUGIN have entered: from then on they hold their slots for good.
            for (int attempt = 0; entered.get() < PluginCalls.MAX_THREADS_PER_PLUGIN; attempt++) {
                assertTrue(attempt < 10_000, "only " + entered.get() + " hung calls entered");
                try {
                    calls.call("scheduler stuck", hang, 20);
                } catch (java.util.concurrent.TimeoutException | PluginCalls.Contained expected) {
                    // timed out (entered or not), or refused while a call that timed out was still starting
                }
            }
            PluginCalls.Contained refused = assertThrows(PluginCalls.Contained.class, () -> calls.call("scheduler stuck", hang, 20));
            assertTrue(refused.getMessage().contains("threads busy"), refused.getMessage());
            assertEquals(PluginCalls.MAX_THREADS_PER_PLUGIN, entered.get());
            assertTrue(pluginThreads("scheduler stuck") <= PluginCalls.MAX_THREADS_PER_PLUGIN,
                    "threads held: " + pluginThreads("scheduler stuck"));
        }
    }

    @Test
    void aFailingSamplerIsQuarantinedThenProbedAfterTheCoolDown() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger failUntil = new AtomicInteger(3);
        plugins.samplers.put("flaky", ctx -> {
            if (calls.incrementAndGet() <= failUntil.get()) {
                throw new IllegalStateException("broken model file");
            }
            return ctx.space().sampleUniform(ctx.random());
        });
        engine.setPluginQuarantineMillis(3_600_000);
        study("f", "flaky", 5_000);
        for (int i = 0; i < 10; i++) {
            engine.ask("f", 1, "w");
        }
        assertEquals(3, calls.get(), "quarantined after 3 failures in a row");
        PluginFaults quarantined = engine.pluginFaults().get("sampler flaky");
        assertEquals(new PluginFaults(3, 3, 0, 7, true), quarantined);
        // Cool-down over: the next call probes the plugin, which works again, and it is back in service.
        engine.setPluginQuarantineMillis(0);
        engine.ask("f", 1, "w"); // admitted as the probe only once the (now zero) cool-down has passed
        engine.ask("f", 1, "w");
        assertTrue(calls.get() >= 4, "the plugin was probed");
        Map<String, PluginFaults> faults = engine.pluginFaults();
        assertTrue(!faults.get("sampler flaky").quarantined(), faults.toString());
        assertEquals("test-flaky@1.0.0", engine.listTrials("f", java.util.Set.of()).get(11).trial().attributes().get("sampler"));
    }
}
