package io.hypatia.launcher.bench;

import io.hypatia.engine.TestPlugins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.store.Store;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Report latency benchmark's bookkeeping on the real engine and store (its figures are measured, never asserted). */
class ReportLatencyTest {

    @Test
    void keepsTheRunningTrialsBusyUntilTheStudyHoldsTheReports() {
        TestPlugins plugins = new TestPlugins();
        // stops every trial at its third step, so trials are replaced all the time
        plugins.schedulers.put("stop3", (ctx, trial) ->
                Verdict.of(trial.lastIntermediate().step() >= 3 ? Decision.STOP : Decision.CONTINUE, -1, ""));
        try (EngineBackend backend = new EngineBackend(plugins, Store.openInMemory())) {
            List<ReportLatency.Window> windows = new ReportLatency(backend, "in-process", PluginRef.of("stop3"), 4, 120, 10,
                    new PrintStream(OutputStream.nullOutputStream())).run("latency");
            assertEquals(ReportLatency.WINDOWS + 1, windows.size(), "ten tenths and the whole run");
            ReportLatency.Window all = windows.get(windows.size() - 1);
            assertEquals(0, all.index());
            assertEquals(120, all.toReport());
            assertEquals(40, all.stops(), "every trial reports 3 steps: 120 reports stop 40 trials");
            assertEquals(44, all.trials(), "4 running, each stopped one replaced by a new trial");
            assertEquals(120, windows.subList(0, 10).stream().mapToLong(w -> w.toReport() - w.fromReport() + 1).sum());
            assertEquals(120 * 1, backend.engine().listTrials("latency", null).stream()
                    .mapToInt(t -> t.trial().intermediates().size()).sum());
            assertTrue(all.p99Micros() >= all.p50Micros());
        }
    }

    @Test
    void percentilesAreNearestRank() {
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, ReportLatency.percentile(v, 0.5));
        assertEquals(10, ReportLatency.percentile(v, 0.99));
    }
}
