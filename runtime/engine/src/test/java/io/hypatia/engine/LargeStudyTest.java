package io.hypatia.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.pareto.ParetoRanking;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialList;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.StudyEngine.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What keeps a request's cost flat in a large study: the history plugins see is shared between
 * asks (never copied), best trials are kept as trials complete, and trial pages start where the
 * last one ended. Each is checked against the plain computation it replaces, on a real store.
 */
class LargeStudyTest extends EngineTestBase {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));

    private final List<List<Trial>> seen = Collections.synchronizedList(new ArrayList<>());

    @Override
    void addPlugins(TestPlugins plugins) {
        plugins.samplers.put("recording", ctx -> {
            seen.add(ctx.trials());
            return ctx.space().sampleUniform(ctx.random());
        });
    }

    @Test
    void theSamplerSeesEveryTrialAsItWasWhenAskedAndThatViewNeverChanges() {
        engine.createStudy(StudySpec.of("h", SPACE, List.of(new Objective("y", Direction.MINIMIZE)), PluginRef.of("recording")));
        List<Long> ids = new ArrayList<>();
        List<List<TrialState>> statesWhenAsked = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            List<TrialState> now = new ArrayList<>();
            for (long id : ids) {
                now.add(engine.getTrial("h", id).trial().state());
            }
            statesWhenAsked.add(now);
            ids.add(engine.ask("h", 1, "w").get(0).info().trial().id());
            if (i % 3 != 2) { // a third stay RUNNING, the rest complete out of order
                long id = ids.get((i * 7) % ids.size());
                if (engine.getTrial("h", id).trial().state() == TrialState.RUNNING) {
                    engine.tell("h", id, Outcome.complete(List.of((double) i)), "");
                }
            }
        }
        assertEquals(300, seen.size());
        for (int k = 0; k < seen.size(); k++) {
            List<Trial> view = seen.get(k);
            assertTrue(view instanceof TrialList, "the engine hands plugins its shared list, not a copy");
            assertEquals(k, view.size());
            for (int j = 0; j < k; j++) {
                assertEquals(ids.get(j), view.get(j).id());
                assertEquals(j, view.get(j).number());
                assertEquals(statesWhenAsked.get(k).get(j), view.get(j).state(), "ask " + k + ", trial " + j);
            }
        }
    }

    @Test
    void bestTrialsKeptAsTrialsCompleteEqualTheFrontOverAllTrialsAlsoAfterARestart() throws Exception {
        List<Objective> three = List.of(new Objective("a", Direction.MINIMIZE), new Objective("b", Direction.MAXIMIZE),
                new Objective("c", Direction.MINIMIZE));
        engine.createStudy(StudySpec.of("one", SPACE, List.of(new Objective("y", Direction.MAXIMIZE)), PluginRef.of("random")));
        engine.createStudy(StudySpec.of("mo", SPACE, three, PluginRef.of("random")));
        SplittableRandom random = new SplittableRandom(3);
        for (String study : List.of("one", "mo")) {
            int objectives = study.equals("one") ? 1 : 3;
            List<StudyEngine.Asked> asked = new ArrayList<>(engine.ask(study, 400, "w"));
            Collections.shuffle(asked, new java.util.Random(5)); // told in another order than created
            for (StudyEngine.Asked a : asked) {
                long id = a.info().trial().id();
                int r = random.nextInt(10);
                List<Double> values = new ArrayList<>();
                for (int o = 0; o < objectives; o++) {
                    values.add((double) random.nextInt(6)); // few distinct values: many ties and equal points
                }
                if (r == 0) {
                    engine.tell(study, id, Outcome.failed("x"), "");
                } else if (r == 1) {
                    engine.tell(study, id, Outcome.complete(values, List.of(1.0)), ""); // infeasible
                } else if (r < 9) {
                    engine.tell(study, id, Outcome.complete(values), "");
                } // else left RUNNING
            }
            assertEquals(bruteForceBest(study), ids(engine.bestTrials(study)), study);
        }
        restart();
        for (String study : List.of("one", "mo")) {
            assertEquals(bruteForceBest(study), ids(engine.bestTrials(study)), study + " after a restart");
        }
    }

    /** The definition: the earliest best for one objective, every non-dominated feasible trial for several. */
    private List<Long> bruteForceBest(String study) {
        List<Objective> objectives = engine.getStudy(study).spec().objectives();
        List<TrialInfo> complete = engine.listTrials(study, Set.of(TrialState.COMPLETE)).stream()
                .filter(t -> t.trial().isFeasible()).toList();
        List<Long> out = new ArrayList<>();
        if (objectives.size() == 1) {
            TrialInfo best = null;
            for (TrialInfo t : complete) {
                if (best == null || objectives.get(0).direction().better(t.trial().values().get(0), best.trial().values().get(0))) {
                    best = t;
                }
            }
            if (best != null) {
                out.add(best.trial().id());
            }
            return out;
        }
        for (TrialInfo t : complete) {
            boolean dominated = complete.stream().anyMatch(o -> ParetoRanking.dominates(losses(o, objectives), losses(t, objectives)));
            if (!dominated) {
                out.add(t.trial().id());
            }
        }
        assertTrue(out.size() > 1, "the fixture has a front of several points");
        return out;
    }

    private static double[] losses(TrialInfo t, List<Objective> objectives) {
        double[] out = new double[objectives.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = objectives.get(i).direction().toLoss(t.trial().values().get(i));
        }
        return out;
    }

    private static List<Long> ids(List<TrialInfo> trials) {
        return trials.stream().map(t -> t.trial().id()).toList();
    }

    @Test
    void pagesOfTrialsJoinUpToTheFullListWithAndWithoutAStateFilter() {
        engine.createStudy(StudySpec.of("p", SPACE, List.of(new Objective("y", Direction.MINIMIZE)), PluginRef.of("random")));
        engine.createStudy(StudySpec.of("other", SPACE, List.of(new Objective("y", Direction.MINIMIZE)), PluginRef.of("random")));
        for (int round = 0; round < 5; round++) {
            engine.ask("other", 3, "w"); // interleaved ids of another study
            for (StudyEngine.Asked a : engine.ask("p", 50, "w")) {
                if (a.info().trial().number() % 4 == 0) {
                    engine.tell("p", a.info().trial().id(), Outcome.complete(List.of(1.0)), "");
                }
            }
        }
        for (Set<TrialState> states : List.of(Set.<TrialState>of(), EnumSet.of(TrialState.COMPLETE), EnumSet.of(TrialState.PAUSED))) {
            List<Long> all = ids(engine.listTrials("p", states));
            for (int pageSize : new int[] {1, 7, 250, 1000}) {
                List<Long> joined = new ArrayList<>();
                long after = 0;
                while (true) {
                    List<TrialInfo> page = engine.listTrials("p", states, after, pageSize);
                    assertTrue(page.size() <= pageSize);
                    joined.addAll(ids(page));
                    if (page.size() < pageSize) {
                        break;
                    }
                    after = page.get(page.size() - 1).trial().id();
                }
                assertEquals(all, joined, "states " + states + ", page size " + pageSize);
            }
        }
        assertEquals(250, engine.listTrials("p", Set.of()).size());
        assertSame(EngineException.Code.INVALID_ARGUMENT, org.junit.jupiter.api.Assertions.assertThrows(EngineException.class,
                () -> engine.listTrials("p", Set.of(), 0, -1)).code());
    }
}
