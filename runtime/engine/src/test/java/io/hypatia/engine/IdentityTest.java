package io.hypatia.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.engine.StudyEngine.Outcome;
import io.hypatia.engine.store.Store;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 finding 10: ids are never reused, finished trials take no reports, foreign trial ids leak nothing. */
class IdentityTest {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));

    @TempDir
    Path dir;
    private Store store;
    private StudyEngine engine;

    private void open() throws Exception {
        store = Store.open(dir, false);
        engine = new StudyEngine(store, new TestPlugins());
    }

    private void close() {
        engine.close();
        store.close();
    }

    @AfterEach
    void stop() {
        close();
    }

    private StudySpec spec(String name) {
        return StudySpec.of(name, SPACE, List.of(new Objective("y", Direction.MINIMIZE)), PluginRef.of("random"));
    }

    @Test
    void idsOfDeletedStudiesAndTrialsAreNotReusedAfterARestart() throws Exception {
        open();
        engine.createStudy(spec("keep"));
        engine.ask("keep", 2, "w");
        StudyInfo doomed = engine.createStudy(spec("doomed"));
        long lastTrial = engine.ask("doomed", 3, "w").get(2).info().trial().id();
        engine.deleteStudy("doomed");
        close();
        open();
        StudyInfo next = engine.createStudy(spec("next"));
        assertTrue(next.id() > doomed.id(), "study id " + next.id() + " reuses " + doomed.id());
        long nextTrial = engine.ask("next", 1, "w").get(0).info().trial().id();
        assertTrue(nextTrial > lastTrial, "trial id " + nextTrial + " reuses one up to " + lastTrial);
        // The old trial id stays unknown instead of naming a new trial.
        assertEquals(EngineException.Code.NOT_FOUND, assertThrows(EngineException.class, () -> engine.getTrial("next", lastTrial)).code());
    }

    @Test
    void aFinishedTrialTakesNoReportAndAForeignTrialIdNamesNoOtherStudy() throws Exception {
        open();
        engine.createStudy(spec("a"));
        engine.createStudy(spec("secret-b"));
        long id = engine.ask("a", 1, "w").get(0).info().trial().id();
        engine.tell("a", id, Outcome.complete(List.of(0.5)), "t1");
        EngineException done = assertThrows(EngineException.class, () -> engine.report("a", id, 1, 0.4, 0, ""));
        assertEquals(EngineException.Code.FAILED_PRECONDITION, done.code());
        EngineException foreign = assertThrows(EngineException.class, () -> engine.getTrial("secret-b", id));
        assertEquals(EngineException.Code.NOT_FOUND, foreign.code());
        assertFalse(foreign.getMessage().contains("'a'"), foreign.getMessage());
    }

    /** Finding 5: an ask retried with its request id, also after a restart, answers the same trials and leases nothing new. */
    @Test
    void anAskRetriedWithItsRequestIdAnswersTheSameTrials() throws Exception {
        open();
        engine.createStudy(spec("s"));
        List<Long> first = engine.ask("s", 2, "w", "ask-1").stream().map(a -> a.info().trial().id()).toList();
        assertEquals(first, engine.ask("s", 2, "w", "ask-1").stream().map(a -> a.info().trial().id()).toList());
        engine.tell("s", first.get(0), Outcome.complete(List.of(0.1)), "t-1");
        close();
        open();
        List<StudyEngine.Asked> replayed = engine.ask("s", 2, "w", "ask-1");
        assertEquals(first, replayed.stream().map(a -> a.info().trial().id()).toList());
        assertEquals(io.hypatia.api.study.TrialState.COMPLETE, replayed.get(0).info().trial().state(), "answered in its current state");
        assertEquals(2, engine.listTrials("s", java.util.Set.of()).size(), "nothing new was handed out");
        List<Long> other = engine.ask("s", 1, "w", "ask-2").stream().map(a -> a.info().trial().id()).toList();
        assertFalse(first.contains(other.get(0)));
        assertEquals(3, engine.listTrials("s", java.util.Set.of()).size());
        assertEquals(EngineException.Code.INVALID_ARGUMENT,
                assertThrows(EngineException.class, () -> engine.ask("s", 1, "w", "x".repeat(129))).code());
    }
}
