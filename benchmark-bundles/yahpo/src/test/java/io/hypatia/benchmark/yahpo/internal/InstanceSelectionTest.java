package io.hypatia.benchmark.yahpo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which instances the component registers under their own names (plain Java, no framework). */
class InstanceSelectionTest {

    private static Map<Scenario, YahpoScenario> open() {
        Map<Scenario, YahpoScenario> open = new LinkedHashMap<>();
        for (Scenario s : Scenario.values()) {
            open.put(s, TestData.scenario(s));
        }
        return open;
    }

    @Test
    void allLcbenchTasksByDefault() {
        Map<Scenario, YahpoScenario> open = open();
        Map<YahpoScenario, Set<String>> sel = YahpoBenchmarkComponent.selectInstances(open, null);
        assertEquals(34, sel.get(open.get(Scenario.LCBENCH)).size());
        assertEquals(Set.of(), sel.get(open.get(Scenario.RBV2_XGBOOST)));
        assertEquals(Set.of(), sel.get(open.get(Scenario.IAML_GLMNET)));
    }

    @Test
    void propertyAddsInstances() {
        Map<Scenario, YahpoScenario> open = open();
        Map<YahpoScenario, Set<String>> sel = YahpoBenchmarkComponent.selectInstances(open,
                "rbv2_xgboost:12, rbv2_xgboost:1501 iaml_glmnet:* rbv2_rpart:999999 nb301:CIFAR10 junk");
        assertEquals(Set.of("12", "1501"), sel.get(open.get(Scenario.RBV2_XGBOOST)));
        assertEquals(Set.copyOf(List.of("40981", "41146", "1489", "1067")), sel.get(open.get(Scenario.IAML_GLMNET)));
        assertEquals(Set.of(), sel.get(open.get(Scenario.RBV2_RPART)));
        assertFalse(sel.containsKey(null));
        assertEquals("yahpo-rbv2_xgboost-12", open.get(Scenario.RBV2_XGBOOST).benchmark("12").name());
    }
}
