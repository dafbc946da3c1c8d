package io.hypatia.benchmark.yahpo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Condition;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.Parameter;
import io.hypatia.api.space.SearchSpace;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON and ConfigSpace readers on hand-written documents; needs no shared data. */
class ConfigSpaceReaderTest {

    @Test
    void jsonReadsTheValueKinds() {
        Object v = Json.parse("{\"a\": [1, -2.5e-3, \"x\\\"y\\u00e9\", true, false, null], \"b\": {}, \"c\": 12345678901234}", "t.json");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2.5e-3, "x\"y\u00e9", true, false), ((List<?>) m.get("a")).subList(0, 5));
        assertNull(((List<?>) m.get("a")).get(5));
        assertEquals(Map.of(), m.get("b"));
        assertEquals(12345678901234L, m.get("c"));
    }

    @Test
    void jsonErrorsNameTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\n  \"a\": [1,,2]\n}", "bad.json"));
        assertTrue(e.getMessage().startsWith("bad.json:2:"), e.getMessage());
    }

    // Children declared before their parent, all supported condition kinds, a constant.
    private static final String SPACE = """
            {"hyperparameters": [
              {"name": "rate", "type": "uniform_float", "log": false, "lower": 0.0, "upper": 1.0, "default": 0.5},
              {"name": "eta", "type": "uniform_float", "log": true, "lower": 0.001, "upper": 1.0, "default": 0.03},
              {"name": "depth", "type": "uniform_int", "log": false, "lower": 2, "upper": 10, "q": 2, "default": 4},
              {"name": "gap", "type": "uniform_int", "log": false, "lower": 1, "upper": 3, "default": 1},
              {"name": "booster", "type": "categorical", "choices": ["gblinear", "gbtree", "dart"], "default": "gbtree", "probabilities": null},
              {"name": "size", "type": "ordinal", "sequence": [8, 16, 32, 64], "default": 16},
              {"name": "big", "type": "uniform_int", "log": true, "lower": 1, "upper": 100, "default": 10},
              {"name": "flag", "type": "categorical", "choices": [true, false], "default": true},
              {"name": "fixed", "type": "constant", "value": "yes"}
            ],
            "conditions": [
              {"child": "rate", "parent": "booster", "type": "EQ", "value": "dart"},
              {"child": "eta", "parent": "booster", "type": "IN", "values": ["dart", "gbtree"]},
              {"child": "depth", "parent": "booster", "type": "NEQ", "value": "gblinear"},
              {"child": "big", "parent": "size", "type": "GT", "value": 16},
              {"child": "gap", "type": "OR", "conditions": [
                 {"child": "gap", "parent": "booster", "type": "EQ", "value": "gblinear"},
                 {"child": "gap", "parent": "booster", "type": "EQ", "value": "dart"}]}
            ],
            "forbiddens": [], "json_format_version": 0.2}
            """;

    @Test
    void readsTypesLogFlagsAndConditionsWithParentsFirst() {
        List<ConfigSpaceReader.Hyperparameter> hps = ConfigSpaceReader.read(SPACE, "t.json");
        List<Parameter> ps = hps.stream().map(ConfigSpaceReader.Hyperparameter::parameter).toList();
        assertEquals(List.of("booster", "rate", "eta", "depth", "gap", "size", "big", "flag", "fixed"), ps.stream().map(Parameter::name).toList());
        assertEquals(new CategoricalParameter("booster", List.of("gblinear", "gbtree", "dart")), ps.get(0));
        assertEquals(new FloatParameter("rate", 0.0, 1.0, false, new Condition("booster", List.of("dart"))), ps.get(1));
        assertEquals(new FloatParameter("eta", 0.001, 1.0, true, new Condition("booster", List.of("dart", "gbtree"))), ps.get(2));
        assertEquals(new IntParameter("depth", 2, 10, 2, false, new Condition("booster", List.of("gbtree", "dart"))), ps.get(3));
        assertEquals(new Condition("booster", List.of("gblinear", "dart")), ps.get(4).condition());
        assertEquals(new OrdinalParameter("size", List.of(8L, 16L, 32L, 64L)), ps.get(5));
        assertEquals(new IntParameter("big", 1, 100, 1, true, new Condition("size", List.of(32L, 64L))), ps.get(6));
        assertEquals(List.of("True", "False"), ((CategoricalParameter) ps.get(7)).choices());
        assertEquals("constant", hps.get(8).type());
        assertEquals(0.03, hps.get(2).defaultValue());
        // The result is a valid Hypatia space.
        assertEquals(9, SearchSpace.of(ps).size());
    }

    @Test
    void unsupportedConstructsAreRejectedNamingTheChild() {
        String numericParent = """
                {"hyperparameters": [
                  {"name": "a", "type": "uniform_float", "log": false, "lower": 0.0, "upper": 1.0},
                  {"name": "b", "type": "uniform_float", "log": false, "lower": 0.0, "upper": 1.0}],
                 "conditions": [{"child": "b", "parent": "a", "type": "GT", "value": 0.5}], "forbiddens": []}
                """;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigSpaceReader.read(numericParent, "n.json"));
        assertTrue(e.getMessage().contains("child 'b'") && e.getMessage().contains("numeric parent 'a'"), e.getMessage());

        String twoParents = """
                {"hyperparameters": [
                  {"name": "p", "type": "categorical", "choices": ["x", "y"]},
                  {"name": "q", "type": "categorical", "choices": ["x", "y"]},
                  {"name": "c", "type": "uniform_float", "log": false, "lower": 0.0, "upper": 1.0}],
                 "conditions": [{"child": "c", "type": "AND", "conditions": [
                    {"child": "c", "parent": "p", "type": "EQ", "value": "x"},
                    {"child": "c", "parent": "q", "type": "EQ", "value": "y"}]}], "forbiddens": []}
                """;
        e = assertThrows(IllegalArgumentException.class, () -> ConfigSpaceReader.read(twoParents, "a.json"));
        assertTrue(e.getMessage().contains("child 'c'") && e.getMessage().contains("one parent"), e.getMessage());

        String forbidden = """
                {"hyperparameters": [{"name": "p", "type": "categorical", "choices": ["x", "y"]}],
                 "conditions": [], "forbiddens": [{"name": "p", "type": "EQUALS", "value": "x"}]}
                """;
        e = assertThrows(IllegalArgumentException.class, () -> ConfigSpaceReader.read(forbidden, "f.json"));
        assertTrue(e.getMessage().contains("forbidden"), e.getMessage());

        String normal = """
                {"hyperparameters": [{"name": "n", "type": "normal_float", "mu": 0.0, "sigma": 1.0}], "conditions": [], "forbiddens": []}
                """;
        e = assertThrows(IllegalArgumentException.class, () -> ConfigSpaceReader.read(normal, "x.json"));
        assertTrue(e.getMessage().contains("'n'") && e.getMessage().contains("normal_float"), e.getMessage());
    }

    @Test
    void missingDataDirectoryIsAClearError(@TempDir Path empty) {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> YahpoBenchmarks.find(empty.resolve("nope")));
        assertTrue(e.getMessage().contains("YAHPO data not found"), e.getMessage());
        e = assertThrows(NoSuchFileException.class, () -> YahpoBenchmarks.find(empty));
        assertTrue(e.getMessage().contains("no YAHPO scenario found"), e.getMessage());
    }

    @Test
    void namesParse() {
        assertEquals(new YahpoBenchmarks.BenchmarkName(Scenario.LCBENCH, "3945"), YahpoBenchmarks.parseName("yahpo-lcbench-3945").orElseThrow());
        assertEquals(new YahpoBenchmarks.BenchmarkName(Scenario.RBV2_XGBOOST, null), YahpoBenchmarks.parseName("yahpo-rbv2_xgboost").orElseThrow());
        assertEquals(new YahpoBenchmarks.BenchmarkName(Scenario.IAML_GLMNET, "1489"), YahpoBenchmarks.parseName("yahpo-iaml_glmnet-1489").orElseThrow());
        assertTrue(YahpoBenchmarks.parseName("yahpo-nb301").isEmpty());
        assertTrue(YahpoBenchmarks.parseName("lcbench-3945").isEmpty());
        assertTrue(YahpoBenchmarks.parseName("yahpo-lcbench-").isEmpty());
    }

    @Test
    void dataDirectoryProperties() throws IOException {
        assertEquals(Path.of("/d/yahpo"), YahpoBenchmarkComponent.yahpoDir(null, "/d"));
        assertEquals(Path.of("/y"), YahpoBenchmarkComponent.yahpoDir("/y", "/d"));
        assertNull(YahpoBenchmarkComponent.yahpoDir(" ", null));
    }
}
