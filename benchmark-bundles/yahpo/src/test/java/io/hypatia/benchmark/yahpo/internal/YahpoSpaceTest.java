package io.hypatia.benchmark.yahpo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Condition;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Search spaces and input encoding of the four scenarios, read from ../shared/data/yahpo. */
class YahpoSpaceTest {

    private static List<String> names(SearchSpace s) {
        return s.parameters().stream().map(Parameter::name).toList();
    }

    private static Set<String> logScaled(SearchSpace s) {
        Set<String> out = new HashSet<>();
        for (Parameter p : s.parameters()) {
            if (p instanceof FloatParameter f && f.log() || p instanceof IntParameter i && i.log()) {
                out.add(p.name());
            }
        }
        return out;
    }

    @Test
    void lcbenchSpace() {
        YahpoScenario lc = TestData.scenario(Scenario.LCBENCH);
        SearchSpace s = lc.space();
        assertEquals(List.of("batch_size", "learning_rate", "max_dropout", "max_units", "momentum", "num_layers", "weight_decay"), names(s));
        assertEquals(Set.of("batch_size", "learning_rate", "max_units"), logScaled(s));
        assertEquals(new IntParameter("batch_size", 16, 512, 1, true, null), s.get("batch_size"));
        assertEquals(new IntParameter("num_layers", 1, 5, 1, false, null), s.get("num_layers"));
        FloatParameter lr = (FloatParameter) s.get("learning_rate");
        assertEquals(1e-4, lr.low(), 1e-15);
        assertEquals(0.1, lr.high(), 1e-15);
        assertTrue(s.parameters().stream().noneMatch(Parameter::isConditional));
        assertEquals(34, lc.instances().size());
        assertEquals("3945", lc.defaultInstance());
        assertEquals(new Fidelity("epoch", 1, 52), lc.fidelity());
        assertEquals(Config.of(Map.of("batch_size", 91L, "learning_rate", 0.0031622777, "max_dropout", 0.5, "max_units", 256L,
                "momentum", 0.545, "num_layers", 3L, "weight_decay", 0.050005)), lc.defaultConfig());
    }

    @Test
    void rbv2XgboostSpaceWithConditions() {
        YahpoScenario x = TestData.scenario(Scenario.RBV2_XGBOOST);
        SearchSpace s = x.space();
        assertEquals(14, s.size());
        assertEquals(Set.of("alpha", "lambda", "nrounds", "eta", "gamma", "min_child_weight"), logScaled(s));
        assertEquals(new CategoricalParameter("booster", List.of("gblinear", "gbtree", "dart")), s.get("booster"));
        assertEquals(new Condition("booster", List.of("dart")), s.get("rate_drop").condition());
        assertEquals(new Condition("booster", List.of("dart")), s.get("skip_drop").condition());
        assertEquals(new Condition("booster", List.of("dart", "gbtree")), s.get("eta").condition());
        assertEquals(8, s.parameters().stream().filter(Parameter::isConditional).count());
        // Parents before children.
        assertTrue(names(s).indexOf("booster") < names(s).indexOf("eta"));
        assertFalse(names(s).contains("task_id") || names(s).contains("trainsize") || names(s).contains("repl"));
        assertEquals(119, x.instances().size());
        assertEquals("16", x.defaultInstance());
        assertEquals(new Fidelity("trainsize", 0.03, 1.0), x.fidelity());
    }

    @Test
    void rbv2RpartAndIamlGlmnetSpaces() {
        YahpoScenario r = TestData.scenario(Scenario.RBV2_RPART);
        assertEquals(List.of("cp", "maxdepth", "minbucket", "minsplit", "num.impute.selected.cpo"), names(r.space()));
        assertEquals(Set.of("cp"), logScaled(r.space()));
        assertEquals(117, r.instances().size());
        assertEquals("41138", r.defaultInstance());

        YahpoScenario g = TestData.scenario(Scenario.IAML_GLMNET);
        assertEquals(List.of("alpha", "s"), names(g.space()));
        assertEquals(Set.of("s"), logScaled(g.space()));
        assertEquals(List.of("40981", "41146", "1489", "1067"), g.instances());
        assertEquals(new Fidelity("trainsize", 0.03, 1.0), g.fidelity());
    }

    @Test
    void lcbenchEncodingIsYahposColumnOrder() {
        YahpoScenario lc = TestData.scenario(Scenario.LCBENCH);
        YahpoScenario.EncodedInput in = lc.encode(lc.defaultConfig(), "3945", 26.4);
        assertArrayEquals(new int[] {34}, in.categorical()); // encoding.json: "3945": 34
        // epoch (rounded), batch_size, learning_rate, momentum, weight_decay, num_layers, max_units, max_dropout; raw scale
        assertArrayEquals(new float[] {26, 91, 0.0031622777f, 0.545f, 0.050005f, 3, 256, 0.5f}, in.continuous());
        assertEquals(33, lc.encode(lc.defaultConfig(), "34539", 1).categorical()[0]);
    }

    @Test
    void inactiveParametersAreNaAndZero() {
        YahpoScenario x = TestData.scenario(Scenario.RBV2_XGBOOST);
        Config linear = Config.of(Map.of("alpha", 1.0, "booster", "gblinear", "lambda", 2.0, "nrounds", 100,
                "num.impute.selected.cpo", "impute.hist", "subsample", 0.5));
        YahpoScenario.EncodedInput in = x.encode(linear, "16", 0.5);
        // task_id 16 -> 37, booster gblinear -> 2, impute.hist -> 1 (encoding.json)
        assertArrayEquals(new int[] {37, 2, 1}, in.categorical());
        // nrounds, eta, gamma, lambda, alpha, subsample, max_depth, min_child_weight, colsample_bytree,
        // colsample_bylevel, rate_drop, skip_drop, trainsize, repl (held at 10)
        assertArrayEquals(new float[] {100, 0, 0, 2, 1, 0.5f, 0, 0, 0, 0, 0, 0, 0.5f, 10}, in.continuous());
        assertEquals(0, x.naCode("booster"));
    }

    @Test
    void encodingRoundTripsRandomConfigurations() {
        Random random = new Random(7);
        for (Scenario sc : Scenario.values()) {
            YahpoScenario s = TestData.scenario(sc);
            for (int i = 0; i < 200; i++) {
                Config c = s.space().sampleUniform(random);
                String instance = s.instances().get(random.nextInt(s.instances().size()));
                double budget = s.fidelity().min() + random.nextDouble() * (s.fidelity().max() - s.fidelity().min());
                YahpoScenario.EncodedInput in = s.encode(c, instance, budget);
                YahpoScenario.DecodedInput back = s.decode(in.categorical(), in.continuous());
                assertEquals(instance, back.instance(), sc.id());
                assertEquals((float) s.fidelityValue(budget), (float) back.fidelity(), sc.id());
                assertEquals(c.values().keySet(), back.config().values().keySet(), sc.id() + " active parameters of " + c);
                for (Map.Entry<String, Object> e : c.values().entrySet()) {
                    Object want = e.getValue(), got = back.config().get(e.getKey());
                    if (want instanceof Double d) {
                        assertEquals(d, (Double) got, Math.abs(d) * 1e-6, sc.id() + " " + e.getKey()); // float32 on the way
                    } else {
                        assertEquals(want, got, sc.id() + " " + e.getKey());
                    }
                }
            }
        }
    }

    @Test
    void unknownInstanceIsRejected() {
        YahpoScenario lc = TestData.scenario(Scenario.LCBENCH);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lc.benchmark("167083"));
        assertTrue(e.getMessage().contains("no instance OpenML_task_id=167083"), e.getMessage());
    }
}
