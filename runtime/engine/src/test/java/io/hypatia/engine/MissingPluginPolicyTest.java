package io.hypatia.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.sampler.SearchSpaceExhaustedException;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a missing sampler falls back at once or fails, by the study's policy (kept across a
 * restart); a sampler with nothing left to propose answers the ask with OUT_OF_RANGE instead
 * of a silent random fallback.
 */
class MissingPluginPolicyTest extends EngineTestBase {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));

    private void study(String name, String sampler, MissingPluginPolicy policy) {
        engine.createStudy(StudySpec.of(name, SPACE, List.of(new Objective("y", Direction.MINIMIZE)), PluginRef.of(sampler))
                .withOnMissingPlugin(policy));
    }

    @Test
    void underFailAMissingSamplerRefusesTheAskAndRecordsNothing() throws Exception {
        plugins.samplers.put("vendor", ctx -> ctx.space().sampleUniform(ctx.random()));
        study("strict", "vendor", MissingPluginPolicy.FAIL);
        assertEquals(1, engine.ask("strict", 1, "w").size());
        plugins.samplers.remove("vendor");
        restart(); // the policy is stored with the study
        assertEquals(MissingPluginPolicy.FAIL, engine.getStudy("strict").spec().onMissingPlugin());
        EngineException e = assertThrows(EngineException.class, () -> engine.ask("strict", 2, "w"));
        assertEquals(EngineException.Code.FAILED_PRECONDITION, e.code());
        assertEquals("sampler", e.field());
        assertTrue(e.getMessage().contains("sampler 'vendor' is not loaded"), e.getMessage());
        assertTrue(e.getMessage().contains("on_missing_plugin=FAIL"), e.getMessage());
        assertEquals(1, engine.listTrials("strict", java.util.Set.of()).size(), "the refused ask created no trial");
        assertEquals(0, engine.getStudy("strict").pluginFallbacks());
        plugins.samplers.put("vendor", ctx -> ctx.space().sampleUniform(ctx.random()));
        assertEquals(2, engine.ask("strict", 2, "w").size(), "asks work again once the sampler is back");
    }

    @Test
    void underFallbackAMissingSamplerSamplesAtRandomAtOnceAndSaysSo() {
        plugins.samplers.put("vendor", ctx -> ctx.space().sampleUniform(ctx.random()));
        study("lenient", "vendor", MissingPluginPolicy.FALLBACK);
        plugins.samplers.remove("vendor");
        engine.setPluginWaitMillis(600_000); // no swap is in progress, so this wait must not apply
        long start = System.nanoTime();
        List<StudyEngine.Asked> asked = engine.ask("lenient", 3, "w");
        assertTrue(System.nanoTime() - start < 60_000_000_000L, "did not wait for the plugin outside a swap");
        assertEquals(3, asked.size());
        for (StudyEngine.Asked a : asked) {
            Map<String, String> attributes = a.info().trial().attributes();
            assertEquals("fallback-random", attributes.get("sampler"));
            assertEquals("sampler 'vendor' is not loaded", attributes.get("sampler_problem"));
        }
        assertEquals(3, engine.getStudy("lenient").pluginFallbacks());
    }

    @Test
    void anExhaustedSamplerAnswersOutOfRangeNotRandom() {
        // Proposes x = 0.0, 0.5 and then has nothing left, like a grid of two points.
        plugins.samplers.put("two-points", ctx -> {
            if (ctx.trialNumber() >= 2) {
                throw new SearchSpaceExhaustedException("the grid of 2 points is exhausted");
            }
            return Config.of(Map.of("x", ctx.trialNumber() * 0.5));
        });
        study("grid", "two-points", MissingPluginPolicy.FALLBACK);
        assertEquals(1, engine.ask("grid", 1, "w").size());
        List<StudyEngine.Asked> rest = engine.ask("grid", 5, "w");
        assertEquals(1, rest.size(), "an ask for more than is left gets what is left");
        assertEquals(0.5, ((Number) rest.get(0).info().trial().config().values().get("x")).doubleValue());
        EngineException e = assertThrows(EngineException.class, () -> engine.ask("grid", 1, "w"));
        assertEquals(EngineException.Code.OUT_OF_RANGE, e.code());
        assertTrue(e.getMessage().contains("has no configuration left: the grid of 2 points is exhausted"), e.getMessage());
        assertEquals(2, engine.listTrials("grid", java.util.Set.of()).size());
        assertEquals(0, engine.getStudy("grid").pluginFallbacks(), "exhaustion is an answer, not a fallback");
        assertEquals(0, engine.pluginFaults().get("sampler two-points").failures(), "nor a plugin fault");
    }
}
