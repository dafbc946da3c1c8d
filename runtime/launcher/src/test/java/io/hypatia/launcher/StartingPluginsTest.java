package io.hypatia.launcher;

import io.hypatia.engine.TestPlugins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.EngineException;
import io.hypatia.engine.PluginRef;
import io.hypatia.engine.Plugins;
import io.hypatia.engine.StudyEngine;
import io.hypatia.engine.StudySpec;
import io.hypatia.engine.store.Store;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted engine whose plugins are still starting (as {@code serve} runs it: the framework
 * starts beside the gateway), on a real SQLite store: calls that need no plugin are answered at
 * once, calls that need one wait for the plugins, and answer UNAVAILABLE (never a fallback or a
 * wrong NOT_FOUND) when the plugins are not up within the wait or failed to start. The plugins'
 * start is a future the test completes, so nothing depends on timing.
 */
class StartingPluginsTest {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));
    private static final List<Objective> LOSS = List.of(new Objective("y", Direction.MINIMIZE));

    @TempDir
    Path dir;

    /** A store with study "s" of three completed trials, made with plugins that are there. */
    private void storeWithOneStudy() throws Exception {
        try (Store store = Store.open(dir, false); StudyEngine engine = new StudyEngine(store, new TestPlugins())) {
            engine.createStudy(spec("s"));
            for (StudyEngine.Asked a : engine.ask("s", 3, "w")) {
                engine.tell("s", a.info().trial().id(), StudyEngine.Outcome.complete(List.of(1.0)), "");
            }
        }
    }

    private static StudySpec spec(String name) {
        return StudySpec.of(name, SPACE, LOSS, new PluginRef("random", "", Map.of()));
    }

    @Test
    void callsWithoutAPluginAreAnsweredAtOnceAndThoseWithOneWaitForThePlugins() throws Exception {
        storeWithOneStudy();
        CompletableFuture<Plugins> started = new CompletableFuture<>();
        AtomicLong waitMillis = new AtomicLong(1);
        StartingPlugins plugins = new StartingPlugins(started, waitMillis::get);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Store store = Store.open(dir, false); StudyEngine engine = new StudyEngine(store, plugins)) {
            assertEquals(3, engine.getStudy("s").trialCounts().get(TrialState.COMPLETE), "GetStudy needs no plugin");
            assertEquals(3, engine.listTrials("s", Set.of()).size());
            assertTrue(plugins.swapInProgress(), "a plugin may be missing while the framework starts");

            // The plugins are not up within the wait: UNAVAILABLE (retry), not a fallback or INVALID_ARGUMENT.
            EngineException ask = assertThrows(EngineException.class, () -> engine.ask("s", 1, "w"));
            assertEquals(EngineException.Code.UNAVAILABLE, ask.code());
            assertTrue(ask.getMessage().contains("still starting"), ask.getMessage());
            EngineException create = assertThrows(EngineException.class, () -> engine.createStudy(spec("t")));
            assertEquals(EngineException.Code.UNAVAILABLE, create.code(), "the sampler is not known to be missing yet");
            assertEquals(3, engine.listTrials("s", Set.of()).size(), "the refused ask left nothing behind");

            // With a long wait, an ask sent now is answered once the plugins are up.
            waitMillis.set(600_000);
            Future<List<StudyEngine.Asked>> waiting = pool.submit(() -> engine.ask("s", 1, "w"));
            started.complete(new TestPlugins());
            StudyEngine.Asked asked = waiting.get().get(0);
            assertEquals(3, asked.info().trial().number(), "a normal trial, numbered after the stored ones");
            assertNotEquals("fallback-random", asked.info().trial().attributes().get("sampler"), "not a fallback");
            assertFalse(plugins.swapInProgress());
            assertEquals("t", engine.createStudy(spec("t")).spec().name());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFrameworkThatFailedToStartAnswersUnavailableWithTheReason() throws Exception {
        storeWithOneStudy();
        CompletableFuture<Plugins> started = new CompletableFuture<>();
        started.completeExceptionally(new IllegalStateException("system bundle folder is missing"));
        StartingPlugins plugins = new StartingPlugins(started, () -> 600_000);
        try (Store store = Store.open(dir, false); StudyEngine engine = new StudyEngine(store, plugins)) {
            assertEquals(3, engine.getStudy("s").trialCounts().get(TrialState.COMPLETE));
            EngineException ask = assertThrows(EngineException.class, () -> engine.ask("s", 1, "w"));
            assertEquals(EngineException.Code.UNAVAILABLE, ask.code());
            assertTrue(ask.getMessage().contains("system bundle folder is missing"), ask.getMessage());
            assertFalse(plugins.swapInProgress(), "nothing is starting any more");
        }
    }
}
